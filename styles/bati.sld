<?xml version="1.0" encoding="UTF-8"?>
<!-- PCRS, thème bâti (CNIG v2.0): façades, murs, seuils, proéminences, piliers. -->
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>FacadePCRS</se:Name>
    <UserStyle>
      <se:Name>facadepcrs</se:Name>
      <se:Description><se:Title>Façade</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>facadepcrs</se:Name><se:Description><se:Title>Façade</se:Title></se:Description>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#8b0000</se:SvgParameter><se:SvgParameter name="stroke-width">1.6</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>MurPCRS</se:Name>
    <UserStyle>
      <se:Name>murpcrs</se:Name>
      <se:Description><se:Title>Mur</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>mur-soutenement</se:Name><se:Description><se:Title>Mur de soutènement</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>typeMur</ogc:PropertyName><ogc:Literal>02</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>10000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#5c3317</se:SvgParameter><se:SvgParameter name="stroke-width">1.6</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#5c3317</se:SvgParameter><se:SvgParameter name="stroke-width">4</se:SvgParameter><se:SvgParameter name="stroke-linecap">butt</se:SvgParameter><se:SvgParameter name="stroke-dasharray">1 5</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>mur</se:Name><se:Description><se:Title>Mur</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#5c3317</se:SvgParameter><se:SvgParameter name="stroke-width">1.4</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>SeuilPCRS</se:Name>
    <UserStyle>
      <se:Name>seuilpcrs</se:Name>
      <se:Description><se:Title>Seuil</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>seuilpcrs</se:Name><se:Description><se:Title>Seuil</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#a52a2a</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">3 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>ProeminenceBatiPCRS</se:Name>
    <UserStyle>
      <se:Name>proeminencebatipcrs</se:Name>
      <se:Description><se:Title>Proéminence du bâti</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>proeminencebatipcrs</se:Name><se:Description><se:Title>Proéminence du bâti</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">2 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>PilierRegulierPCRS</se:Name>
    <UserStyle>
      <se:Name>pilierregulierpcrs</se:Name>
      <se:Description><se:Title>Pilier régulier</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>pilier</se:Name><se:Description><se:Title>Pilier</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#d9b38c</se:SvgParameter><se:SvgParameter name="fill-opacity">0.8</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#5c3317</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#d9b38c</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#5c3317</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter></se:Stroke></se:Mark><se:Size>5</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>PilierParticulierPCRS</se:Name>
    <UserStyle>
      <se:Name>pilierparticulierpcrs</se:Name>
      <se:Description><se:Title>Pilier particulier</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>pilier</se:Name><se:Description><se:Title>Pilier</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#d9b38c</se:SvgParameter><se:SvgParameter name="fill-opacity">0.8</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#5c3317</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
