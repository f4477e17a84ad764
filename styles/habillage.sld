<?xml version="1.0" encoding="UTF-8"?>
<!-- PCRS, habillage (CNIG v2.0): textes orientés par angleRotation (degrés, sens trigonométrique) et dimensionnés au sol par leur attribut taille, noms et numéros de voirie, lignes, points et symboles d'habillage. -->
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>HabillageTextePCRS</se:Name>
    <UserStyle>
      <se:Name>habillagetextepcrs</se:Name>
      <se:Description><se:Title>Textes d'habillage</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>texte</se:Name><se:Description><se:Title>Texte d'habillage (taille au sol)</se:Title></se:Description>
          <se:MaxScaleDenominator>2500</se:MaxScaleDenominator>
          <se:TextSymbolizer uom="http://www.opengeospatial.org/se/units/metre"><se:Label><ogc:PropertyName>libelle</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size"><ogc:Mul><ogc:PropertyName>taille</ogc:PropertyName><ogc:Literal>1.5</ogc:Literal></ogc:Mul></se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0</se:AnchorPointY></se:AnchorPoint><se:Rotation><ogc:Sub><ogc:Literal>0</ogc:Literal><ogc:PropertyName>angleRotation</ogc:PropertyName></ogc:Sub></se:Rotation></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>0.15</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#1a1a1a</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>NomVoiriePCRS</se:Name>
    <UserStyle>
      <se:Name>nomvoiriepcrs</se:Name>
      <se:Description><se:Title>Noms de voirie</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>nom</se:Name><se:Description><se:Title>Nom de voirie</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:TextSymbolizer uom="http://www.opengeospatial.org/se/units/metre"><se:Label><ogc:PropertyName>libelle</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size"><ogc:Mul><ogc:PropertyName>taille</ogc:PropertyName><ogc:Literal>2</ogc:Literal></ogc:Mul></se:SvgParameter><se:SvgParameter name="font-style">italic</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0.5</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Rotation><ogc:Sub><ogc:Literal>0</ogc:Literal><ogc:PropertyName>angleRotation</ogc:PropertyName></ogc:Sub></se:Rotation></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>0.2</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#003366</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>NumeroVoiriePCRS</se:Name>
    <UserStyle>
      <se:Name>numerovoiriepcrs</se:Name>
      <se:Description><se:Title>Numéros de voirie</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>numero</se:Name><se:Description><se:Title>Numéro de voirie</se:Title></se:Description>
          <se:MaxScaleDenominator>2500</se:MaxScaleDenominator>
          <se:TextSymbolizer uom="http://www.opengeospatial.org/se/units/metre"><se:Label><ogc:PropertyName>libelle</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size"><ogc:Mul><ogc:PropertyName>taille</ogc:PropertyName><ogc:Literal>1.2</ogc:Literal></ogc:Mul></se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0.5</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Rotation><ogc:Sub><ogc:Literal>0</ogc:Literal><ogc:PropertyName>angleRotation</ogc:PropertyName></ogc:Sub></se:Rotation></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>0.15</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#333333</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>HabillageLignesPCRS</se:Name>
    <UserStyle>
      <se:Name>habillagelignespcrs</se:Name>
      <se:Description><se:Title>Lignes d'habillage</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>theme-02</se:Name><se:Description><se:Title>Habillage : bâti</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>02</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#8b0000</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>theme-03</se:Name><se:Description><se:Title>Habillage : voirie</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>03</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#4d4d4d</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>theme-05</se:Name><se:Description><se:Title>Habillage : clôture</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>05</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#555555</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">4 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>theme-06</se:Name><se:Description><se:Title>Habillage : végétal</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>06</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#2e7d32</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>theme-10</se:Name><se:Description><se:Title>Habillage : réseaux</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>thematique</ogc:PropertyName><ogc:Literal>10</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#7a1f7a</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>autre</se:Name><se:Description><se:Title>Autre habillage</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#808080</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">3 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>HabillagePointsPCRS</se:Name>
    <UserStyle>
      <se:Name>habillagepointspcrs</se:Name>
      <se:Description><se:Title>Points d'habillage</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>point</se:Name><se:Description><se:Title>Point d'habillage</se:Title></se:Description>
          <se:MaxScaleDenominator>2500</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>cross</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke></se:Mark><se:Size>6</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>HabillageSymbolePCRS</se:Name>
    <UserStyle>
      <se:Name>habillagesymbolepcrs</se:Name>
      <se:Description><se:Title>Symboles d'habillage</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>symbole</se:Name><se:Description><se:Title>Symbole d'habillage, orienté par angleRotation</se:Title></se:Description>
          <se:MaxScaleDenominator>2500</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>triangle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>HabillageEnveloppePCRS</se:Name>
    <UserStyle>
      <se:Name>habillageenveloppepcrs</se:Name>
      <se:Description><se:Title>Enveloppes d'habillage</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>enveloppe</se:Name><se:Description><se:Title>Enveloppe d'habillage</se:Title></se:Description>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Stroke><se:SvgParameter name="stroke">#808080</se:SvgParameter><se:SvgParameter name="stroke-width">0.8</se:SvgParameter><se:SvgParameter name="stroke-dasharray">4 2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>MasqueOpacitePCRS</se:Name>
    <UserStyle>
      <se:Name>masqueopacitepcrs</se:Name>
      <se:Description><se:Title>Masques d'opacité</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>masque</se:Name><se:Description><se:Title>Masque d'opacité</se:Title></se:Description>
          <se:MaxScaleDenominator>10000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter><se:SvgParameter name="fill-opacity">0.7</se:SvgParameter></se:Fill></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
