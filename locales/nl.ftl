# Gebruikersinterface van Rights Monitor, Nederlands.

site-name = Rights Monitor
site-tagline = Mensenrechten in steden, samen gemonitord
skip-to-content = Naar de hoofdinhoud
nav-label = Hoofdmenu
nav-home = Startpagina
nav-login = Aanmelden
nav-signed-in-as = Aangemeld als { $name }
language-switch = Taal
language-switch-submit = Taal wijzigen
demo-banner = Dit is een demonstratie. Alle getoonde cijfers zijn synthetische demogegevens, geen echte metingen.
home-title = Mensenrechten in steden
home-intro = Rights Monitor helpt steden, organisaties uit het maatschappelijk middenveld en academici om samen te volgen of mensen toegang hebben tot hun rechten, waar nog lacunes zijn en welke vooruitgang wordt geboekt.
home-cities = Steden van het netwerk
home-cities-count = { $count ->
    [one] Eén stad neemt deel.
   *[other] { $count } steden nemen deel.
}
home-themes = Monitoringthema's
home-agreed-areas = Domeinen die elke stad monitort
home-other-themes = Overige thema's
home-no-cities = Er zijn nog geen steden aangesloten.
city-observer = waarnemer
city-country = Land
city-language = Hoofdtaal
city-local-name = Lokale naam
city-districts = Stadsdelen
city-no-districts = Geen stadsdelen geregistreerd.
city-latest-values = Laatst gepubliceerde waarden
city-latest-values-caption = De laatst gepubliceerde waarde van elke indicator, voor de hele bevolking.
city-no-values = Nog geen gepubliceerde waarden.
city-work-in-progress = { $count ->
    [one] Eén waarde wacht op validatie. Alleen leden van deze stad kunnen die zien.
   *[other] { $count } waarden wachten op validatie. Alleen leden van deze stad kunnen ze zien.
}
table-indicator = Indicator
table-period = Periode
table-value = Waarde
table-unit = Eenheid
table-source = Bron
table-state = Status
value-synthetic = synthetische demogegevens
state-draft = concept
state-submitted = ingediend
state-validated = gevalideerd
state-published = gepubliceerd
state-returned = teruggestuurd voor correctie
login-title = Aanmelden
login-intro = Meld u aan om gegevens in te voeren, te valideren en te bespreken. Voor het raadplegen van het openbare portaal is geen account nodig.
login-username = Gebruikersnaam
login-password = Wachtwoord
login-submit = Aanmelden
login-failed = De gebruikersnaam of het wachtwoord is onjuist.
login-throttled = Te veel mislukte pogingen. Probeer het over { $minutes } minuten opnieuw.
logout-submit = Afmelden
error-summary = Er is een probleem
error-title = Er is iets misgegaan
error-not-found-title = Pagina niet gevonden
error-not-found = Deze pagina bestaat niet of u hebt geen toestemming om deze te bekijken.
error-forbidden = U hebt geen toestemming om dit te doen.
error-bad-request = Het verzoek kon niet worden begrepen.
error-csrf = Het formulier is verlopen of is niet afkomstig van deze website. Probeer het opnieuw.
error-too-large = Het verzoek is te groot.
error-timeout = Het verzoek duurde te lang.
error-internal = Er is een onverwachte fout opgetreden. De fout is geregistreerd; probeer het later opnieuw.
error-unauthenticated = Meld u eerst aan.
error-method = Dit adres accepteert dit soort verzoeken niet.
back-home = Terug naar de startpagina
footer-about = Rights Monitor is een gestandaardiseerd monitoringsysteem voor mensenrechten in steden.
footer-api = Open data (JSON-API)
theme-agreed = afgesproken domein
fallback-note = nog niet vertaald; weergegeven in het Engels
