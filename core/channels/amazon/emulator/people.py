"""Buyers and addresses per country, with the letters real addresses carry (ł, ø, ß, é, ç, ı, Greek)."""

from __future__ import annotations

# country → [(name, street, postal code, city, phone)]
PEOPLE: dict[str, list[tuple[str, str, str, str, str]]] = {
    "DE": [
        ("Jürgen Weiß", "Straße des 17. Juni 135", "10623", "Berlin", "+49 30 1234567"),
        ("Gülşen Öztürk", "Königsallee 12", "40212", "Düsseldorf", "+49 211 998877"),
        ("Γιώργος Παπαδόπουλος", "Müllerstraße 8a", "13353", "Berlin", "+49 30 7654321"),
        ("Małgorzata Kowalczyk", "Bahnhofstraße 3", "80335", "München", "+49 89 445566"),
        ("Søren Åberg", "Große Elbstraße 145", "22767", "Hamburg", "+49 40 223344"),
    ],
    "FR": [
        ("François Lefèvre", "12 rue de la Paix", "75002", "Paris", "+33 1 42 68 53 00"),
        ("Hélène Garçon", "7 place Bellecour", "69002", "Lyon", "+33 4 72 77 69 69"),
        (
            "Zoé Müller-Françoise",
            "3 allée des Tanneurs",
            "67000",
            "Strasbourg",
            "+33 3 88 52 28 28",
        ),
    ],
    "PL": [
        ("Łukasz Wałęsa", "ul. Świętokrzyska 14", "00-050", "Warszawa", "+48 22 555 12 34"),
        ("Zofia Żółtowska", "ul. Piotrkowska 104", "90-001", "Łódź", "+48 42 633 44 55"),
        ("Grzegorz Brzęczyszczykiewicz", "ul. Długa 44/46", "80-831", "Gdańsk", "+48 58 301 22 33"),
    ],
    "SE": [
        ("Björn Sjöström", "Storgatan 3", "411 38", "Göteborg", "+46 31 123 45 67"),
        ("Søren Bjørnstad", "Drottninggatan 71", "111 36", "Stockholm", "+46 8 765 43 21"),
        ("Åsa Ekström", "Östra Hamngatan 9", "211 25", "Malmö", "+46 40 22 33 44"),
    ],
    "IT": [
        ("Niccolò Baldì", "Via Roma 1", "00184", "Roma", "+39 06 1234567"),
        ("Lucía Ferrè", "Corso Buenos Aires 33", "20124", "Milano", "+39 02 7654321"),
    ],
    "ES": [
        ("José Muñoz", "Calle Mayor 3", "28013", "Madrid", "+34 91 123 45 67"),
        ("Begoña Ibáñez", "Carrer de Còrsega 299", "08008", "Barcelona", "+34 93 765 43 21"),
    ],
    "TR": [
        ("Ayşe Yılmaz", "İstiklal Caddesi 42", "34433", "İstanbul", "+90 212 555 12 34"),
        ("Çağrı Güneş", "Atatürk Bulvarı 101", "06690", "Ankara", "+90 312 444 55 66"),
    ],
    "GB": [("Siobhán O'Connor", "221B Baker Street", "NW1 6XE", "London", "+44 20 7946 0000")],
    "NL": [("Anouk van der Bijl", "Prinsengracht 263", "1016 GV", "Amsterdam", "+31 20 556 7105")],
    "US": [("Zoë Çelik", "1 Cross St.", "48817", "Canton", "+1 734 555 0100")],
}

# country → [(company, VAT id)] for business orders
COMPANIES: dict[str, list[tuple[str, str]]] = {
    "DE": [("Müller & Söhne GmbH", "DE123456789"), ("Weißbräu Großhandel KG", "DE811907980")],
    "FR": [("Société d'Équipement Générale SARL", "FR40303265045")],
    "PL": [("Przedsiębiorstwo Łączność Sp. z o.o.", "PL5260250274")],
    "SE": [("Öresund Handel AB", "SE556677889901")],
    "IT": [("Società Ceramiche Città S.r.l.", "IT01234567890")],
    "ES": [("Distribuciones Peña S.L.", "ESB12345678")],
    "TR": [("Işık Ticaret A.Ş.", "TR1234567890")],
    "GB": [("Brontë Supplies Ltd", "GB123456789")],
    "NL": [("Bijl Groothandel B.V.", "NL123456789B01")],
    "US": [("Acme Corp", "US-EIN-12-3456789")],
}

CANCEL_REASONS = (
    "Found cheaper somewhere else.",
    "Bestellung versehentlich aufgegeben.",
    "Délai de livraison trop long.",
)
GIFT_MESSAGES = (
    "Alles Gute zum Geburtstag! 🎂",
    "Joyeux anniversaire, ma chérie",
    "Wesołych Świąt!",
)
