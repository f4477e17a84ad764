<?xml version="1.0" encoding="UTF-8"?>
<!-- PCRS, topographie et emprises (CNIG v2.0): points levés, points de canevas, emprises d'échange. -->
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>PointLevePCRS</se:Name>
    <UserStyle>
      <se:Name>pointlevepcrs</se:Name>
      <se:Description><se:Title>Points levés</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>point</se:Name><se:Description><se:Title>Point levé</se:Title></se:Description>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>x</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke></se:Mark><se:Size>5</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>PointCanevasPCRS</se:Name>
    <UserStyle>
      <se:Name>pointcanevaspcrs</se:Name>
      <se:Description><se:Title>Points de canevas</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>canevas</se:Name><se:Description><se:Title>Point de canevas</se:Title></se:Description>
          <se:MaxScaleDenominator>2500</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>triangle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#c00000</se:SvgParameter><se:SvgParameter name="stroke-width">1.4</se:SvgParameter></se:Stroke></se:Mark><se:Size>9</se:Size></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>numeroPoint</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>4</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#c00000</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>EmpriseEchangePCRS</se:Name>
    <UserStyle>
      <se:Name>emprisepcrs</se:Name>
      <se:Description><se:Title>Emprises d'échange</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>emprise</se:Name><se:Description><se:Title>Emprise d'échange</se:Title></se:Description>
          <se:MaxScaleDenominator>50000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Stroke><se:SvgParameter name="stroke">#ff00ff</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-dasharray">10 4</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
