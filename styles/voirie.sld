<?xml version="1.0" encoding="UTF-8"?>
<!-- PCRS, thème voirie (CNIG v2.0): limites de voirie, marches, quais, rails, piles de pont. Trait noir plein pour la chaussée, fin et tireté pour ce qui n'en est pas une limite franche. -->
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>LimiteVoiriePCRS</se:Name>
    <UserStyle>
      <se:Name>voirie</se:Name>
      <se:Description><se:Title>Limites de voirie</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>chaussee</se:Name><se:Description><se:Title>Limite de chaussée (thématique voirie)</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>03</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#1a1a1a</se:SvgParameter><se:SvgParameter name="stroke-width">1.4</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>bati</se:Name><se:Description><se:Title>Limite de voirie côté bâti</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>02</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#6b2f2f</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>autre</se:Name><se:Description><se:Title>Autre limite de voirie</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#4d4d4d</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">4 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>voirie-fine</se:Name>
      <se:Description><se:Title>Limites de voirie, trait fin</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>toutes</se:Name><se:Description><se:Title>Limite de voirie</se:Title></se:Description>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>MarcheEscalierPCRS</se:Name>
    <UserStyle>
      <se:Name>marcheescalierpcrs</se:Name>
      <se:Description><se:Title>Marche d'escalier</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>marcheescalierpcrs</se:Name><se:Description><se:Title>Marche d'escalier</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>QuaiRailPCRS</se:Name>
    <UserStyle>
      <se:Name>quairailpcrs</se:Name>
      <se:Description><se:Title>Quai ferroviaire</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>quairailpcrs</se:Name><se:Description><se:Title>Quai ferroviaire</se:Title></se:Description>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#5a5a5a</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>QuaiFluvioMaritimePCRS</se:Name>
    <UserStyle>
      <se:Name>quaifluviomaritimepcrs</se:Name>
      <se:Description><se:Title>Quai fluvial ou maritime</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>quaifluviomaritimepcrs</se:Name><se:Description><se:Title>Quai fluvial ou maritime</se:Title></se:Description>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#1f5f99</se:SvgParameter><se:SvgParameter name="stroke-width">1.4</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>RailPCRS</se:Name>
    <UserStyle>
      <se:Name>railpcrs</se:Name>
      <se:Description><se:Title>Rail</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>rail</se:Name><se:Description><se:Title>Rail</se:Title></se:Description>
          <se:MaxScaleDenominator>25000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#3c3c3c</se:SvgParameter><se:SvgParameter name="stroke-width">1.6</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#ffffff</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">butt</se:SvgParameter><se:SvgParameter name="stroke-dasharray">6 6</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>PilePontPCRS</se:Name>
    <UserStyle>
      <se:Name>pilepontpcrs</se:Name>
      <se:Description><se:Title>Pile de pont</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>pile</se:Name><se:Description><se:Title>Pile de pont</se:Title></se:Description>
          <se:MaxScaleDenominator>10000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#b3b3b3</se:SvgParameter><se:SvgParameter name="fill-opacity">0.6</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
