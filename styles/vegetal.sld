<?xml version="1.0" encoding="UTF-8"?>
<!-- PCRS, thème végétal (CNIG v2.0): arbres. -->
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>ArbrePCRS</se:Name>
    <UserStyle>
      <se:Name>arbrepcrs</se:Name>
      <se:Description><se:Title>Arbres</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>arbre</se:Name><se:Description><se:Title>Arbre</se:Title></se:Description>
          <se:MaxScaleDenominator>2500</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#8bc34a</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#2e7d32</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size>9</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>arbre-petit</se:Name><se:Description><se:Title>Arbre (petite échelle)</se:Title></se:Description>
          <se:MinScaleDenominator>2500</se:MinScaleDenominator>
          <se:MaxScaleDenominator>10000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#2e7d32</se:SvgParameter></se:Fill></se:Mark><se:Size>4</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
