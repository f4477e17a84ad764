<?xml version="1.0" encoding="UTF-8"?>
<!-- PCRS, thème réseaux (CNIG v2.0): les représentations dessinées des affleurants (enveloppe, lignes, point, symbole) colorées selon le réseau de leur affleurant (attribut reseau, joint depuis AffleurantPCRS par le serveur), couleurs de la norme NF P 98-332 (électricité rouge, gaz jaune, eau bleu, assainissement marron, télécom vert, chauffage violet). Un style par réseau (eau, assainissement, électricité, éclairage, signalisation, gaz, chauffage, télécom) ne montre que le sien. -->
<StyledLayerDescriptor version="1.1.0" xmlns="http://www.opengis.net/sld" xmlns:se="http://www.opengis.net/se"
    xmlns:ogc="http://www.opengis.net/ogc" xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <se:Name>AffleurantEnveloppePCRS</se:Name>
    <UserStyle>
      <se:Name>reseaux</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant par réseau (NF P 98-332)</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#0066cc</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>incendie</se:Name><se:Description><se:Title>Défense incendie</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>INCE</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#00a0e6</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#00a0e6</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#8b4513</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter><se:SvgParameter name="stroke-dasharray">6 3</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter><se:SvgParameter name="stroke-dasharray">2 2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#f5c400</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chimie</se:Name><se:Description><se:Title>Produits chimiques</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHIM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#f39200</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#f39200</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#7b2d8e</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#2e9e3e</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>dechets</se:Name><se:Description><se:Title>Déchets</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>DECH</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#666666</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#666666</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>multi</se:Name><se:Description><se:Title>Multi-réseaux</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>MULT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#ff66cc</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#ff66cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>non-defini</se:Name><se:Description><se:Title>Réseau non défini</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#cccccc</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eau</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : eau potable</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#0066cc</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>assainissement</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : assainissement et pluvial</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#8b4513</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>electricite</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : électricité</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eclairage</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : éclairage public</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter><se:SvgParameter name="stroke-dasharray">6 3</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>signalisation</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : signalisation lumineuse tricolore</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter><se:SvgParameter name="stroke-dasharray">2 2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>gaz</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : gaz</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#f5c400</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>chauffage</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : chauffage et climatisation</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#7b2d8e</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>telecom</se:Name>
      <se:Description><se:Title>Enveloppes d'affleurant : télécommunications</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PolygonSymbolizer><se:Fill><se:SvgParameter name="fill">#2e9e3e</se:SvgParameter><se:SvgParameter name="fill-opacity">0.35</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:PolygonSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>AffleurantLignesPCRS</se:Name>
    <UserStyle>
      <se:Name>reseaux</se:Name>
      <se:Description><se:Title>Lignes d'affleurant par réseau (NF P 98-332)</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>incendie</se:Name><se:Description><se:Title>Défense incendie</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>INCE</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#00a0e6</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">6 3</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">2 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chimie</se:Name><se:Description><se:Title>Produits chimiques</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHIM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#f39200</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>dechets</se:Name><se:Description><se:Title>Déchets</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>DECH</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#666666</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>multi</se:Name><se:Description><se:Title>Multi-réseaux</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>MULT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#ff66cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>non-defini</se:Name><se:Description><se:Title>Réseau non défini</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eau</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : eau potable</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>assainissement</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : assainissement et pluvial</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>electricite</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : électricité</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eclairage</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : éclairage public</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">6 3</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>signalisation</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : signalisation lumineuse tricolore</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter><se:SvgParameter name="stroke-dasharray">2 2</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>gaz</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : gaz</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>chauffage</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : chauffage et climatisation</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>telecom</se:Name>
      <se:Description><se:Title>Lignes d'affleurant : télécommunications</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:LineSymbolizer><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.5</se:SvgParameter><se:SvgParameter name="stroke-linecap">round</se:SvgParameter></se:Stroke></se:LineSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>AffleurantPointPCRS</se:Name>
    <UserStyle>
      <se:Name>reseaux</se:Name>
      <se:Description><se:Title>Points d'affleurant par réseau (NF P 98-332)</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#0066cc</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>incendie</se:Name><se:Description><se:Title>Défense incendie</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>INCE</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#00a0e6</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#8b4513</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#f5c400</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chimie</se:Name><se:Description><se:Title>Produits chimiques</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHIM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#f39200</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#7b2d8e</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#2e9e3e</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>dechets</se:Name><se:Description><se:Title>Déchets</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>DECH</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#666666</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>multi</se:Name><se:Description><se:Title>Multi-réseaux</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>MULT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#ff66cc</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>non-defini</se:Name><se:Description><se:Title>Réseau non défini</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#cccccc</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>6</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eau</se:Name>
      <se:Description><se:Title>Points d'affleurant : eau potable</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#0066cc</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>assainissement</se:Name>
      <se:Description><se:Title>Points d'affleurant : assainissement et pluvial</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#8b4513</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>electricite</se:Name>
      <se:Description><se:Title>Points d'affleurant : électricité</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eclairage</se:Name>
      <se:Description><se:Title>Points d'affleurant : éclairage public</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>signalisation</se:Name>
      <se:Description><se:Title>Points d'affleurant : signalisation lumineuse tricolore</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>gaz</se:Name>
      <se:Description><se:Title>Points d'affleurant : gaz</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#f5c400</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>chauffage</se:Name>
      <se:Description><se:Title>Points d'affleurant : chauffage et climatisation</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#7b2d8e</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>telecom</se:Name>
      <se:Description><se:Title>Points d'affleurant : télécommunications</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>circle</se:WellKnownName><se:Fill><se:SvgParameter name="fill">#2e9e3e</se:SvgParameter></se:Fill><se:Stroke><se:SvgParameter name="stroke">#000000</se:SvgParameter><se:SvgParameter name="stroke-width">0.6</se:SvgParameter></se:Stroke></se:Mark><se:Size>7</se:Size></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
  <NamedLayer>
    <se:Name>AffleurantSymbolePCRS</se:Name>
    <UserStyle>
      <se:Name>reseaux</se:Name>
      <se:Description><se:Title>Symboles d'affleurant, orientés par angleRotation par réseau (NF P 98-332)</se:Title></se:Description>
      <IsDefault>1</IsDefault>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#0066cc</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eau-petit</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>incendie</se:Name><se:Description><se:Title>Défense incendie</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>INCE</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#00a0e6</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#00a0e6</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>incendie-petit</se:Name><se:Description><se:Title>Défense incendie</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>INCE</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#00a0e6</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#8b4513</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>assainissement-petit</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>electricite-petit</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eclairage-petit</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>signalisation-petit</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#f5c400</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>gaz-petit</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chimie</se:Name><se:Description><se:Title>Produits chimiques</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHIM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#f39200</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#f39200</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chimie-petit</se:Name><se:Description><se:Title>Produits chimiques</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHIM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#f39200</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#7b2d8e</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chauffage-petit</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#2e9e3e</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>telecom-petit</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>dechets</se:Name><se:Description><se:Title>Déchets</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>DECH</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#666666</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#666666</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>dechets-petit</se:Name><se:Description><se:Title>Déchets</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>DECH</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#666666</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>multi</se:Name><se:Description><se:Title>Multi-réseaux</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>MULT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#ff66cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#ff66cc</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>multi-petit</se:Name><se:Description><se:Title>Multi-réseaux</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>MULT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#ff66cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>non-defini</se:Name><se:Description><se:Title>Réseau non défini</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#333333</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>non-defini-petit</se:Name><se:Description><se:Title>Réseau non défini</se:Title></se:Description>
          <se:ElseFilter/>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#333333</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eau</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : eau potable</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eau</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#0066cc</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eau-petit</se:Name><se:Description><se:Title>Eau potable</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>AEP</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#0066cc</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>assainissement</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : assainissement et pluvial</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>assainissement</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#8b4513</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>assainissement-petit</se:Name><se:Description><se:Title>Assainissement et pluvial</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSA</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEP</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSAEU</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ASSARU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#8b4513</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>electricite</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : électricité</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>electricite</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>electricite-petit</se:Name><se:Description><se:Title>Électricité</se:Title></se:Description>
          <ogc:Filter><ogc:Or><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELEC</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECBT</ogc:Literal></ogc:PropertyIsEqualTo><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECHT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Or></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>eclairage</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : éclairage public</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>eclairage</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>eclairage-petit</se:Name><se:Description><se:Title>Éclairage public</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECECL</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>signalisation</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : signalisation lumineuse tricolore</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>signalisation</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#e30613</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>signalisation-petit</se:Name><se:Description><se:Title>Signalisation lumineuse tricolore</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>ELECSLT</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#e30613</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>gaz</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : gaz</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>gaz</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#f5c400</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>gaz-petit</se:Name><se:Description><se:Title>Gaz</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>GAZ</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#f5c400</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>chauffage</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : chauffage et climatisation</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>chauffage</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#7b2d8e</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>chauffage-petit</se:Name><se:Description><se:Title>Chauffage et climatisation</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>CHAU</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#7b2d8e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
    <UserStyle>
      <se:Name>telecom</se:Name>
      <se:Description><se:Title>Symboles d'affleurant : télécommunications</se:Title></se:Description>
      <se:FeatureTypeStyle>
        <se:Rule><se:Name>telecom</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MaxScaleDenominator>1000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          <se:TextSymbolizer><se:Label><ogc:PropertyName>reference</ogc:PropertyName></se:Label><se:Font><se:SvgParameter name="font-family">DejaVu Sans</se:SvgParameter><se:SvgParameter name="font-size">9</se:SvgParameter></se:Font><se:LabelPlacement><se:PointPlacement><se:AnchorPoint><se:AnchorPointX>0</se:AnchorPointX><se:AnchorPointY>0.5</se:AnchorPointY></se:AnchorPoint><se:Displacement><se:DisplacementX>6</se:DisplacementX><se:DisplacementY>0</se:DisplacementY></se:Displacement></se:PointPlacement></se:LabelPlacement><se:Halo><se:Radius>1.5</se:Radius><se:Fill><se:SvgParameter name="fill">#ffffff</se:SvgParameter></se:Fill></se:Halo><se:Fill><se:SvgParameter name="fill">#2e9e3e</se:SvgParameter></se:Fill></se:TextSymbolizer>
          </se:Rule>
        <se:Rule><se:Name>telecom-petit</se:Name><se:Description><se:Title>Télécommunications</se:Title></se:Description>
          <ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>reseau</ogc:PropertyName><ogc:Literal>COM</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>
          <se:MinScaleDenominator>1000</se:MinScaleDenominator>
          <se:MaxScaleDenominator>5000</se:MaxScaleDenominator>
          <se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>square</se:WellKnownName><se:Stroke><se:SvgParameter name="stroke">#2e9e3e</se:SvgParameter><se:SvgParameter name="stroke-width">1.2</se:SvgParameter></se:Stroke></se:Mark><se:Size><ogc:Mul><ogc:PropertyName>largeur_mm</ogc:PropertyName><ogc:Literal>4</ogc:Literal></ogc:Mul></se:Size><se:Rotation><ogc:PropertyName>angleRotation</ogc:PropertyName></se:Rotation></se:Graphic></se:PointSymbolizer>
          </se:Rule>
      </se:FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
