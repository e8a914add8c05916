# A Rights Monitor felhasználói felülete, magyar.

site-name = Rights Monitor
site-tagline = Emberi jogok a városokban – közös monitoring
skip-to-content = Ugrás a fő tartalomhoz
nav-label = Főmenü
nav-home = Kezdőlap
nav-login = Bejelentkezés
nav-signed-in-as = Bejelentkezve: { $name }
language-switch = Nyelv
language-switch-submit = Nyelv módosítása
demo-banner = Ez egy bemutató. Minden megjelenített szám szintetikus bemutatóadat, nem valódi mérés eredménye.
home-title = Emberi jogok a városokban
home-intro = A Rights Monitor segít a városoknak, a civil társadalmi szervezeteknek és a tudományos kutatóknak közösen nyomon követni, hogy az emberek hozzáférnek-e jogaikhoz, hol vannak még hiányosságok, és milyen előrelépés történik.
home-cities = A hálózat városai
home-cities-count = { $count ->
    [one] Egy város vesz részt.
   *[other] { $count } város vesz részt.
}
home-themes = Monitoringtémák
home-agreed-areas = Minden város által monitorozott területek
home-other-themes = További témák
home-no-cities = Még egyetlen város sem csatlakozott.
city-observer = megfigyelő
city-country = Ország
city-language = Fő nyelv
city-local-name = Helyi név
city-districts = Kerületek
city-no-districts = Nincsenek rögzített kerületek.
city-latest-values = Legutóbb közzétett értékek
city-latest-values-caption = Az egyes mutatók legutóbb közzétett értéke a teljes népességre vonatkozóan.
city-no-values = Még nincsenek közzétett értékek.
city-work-in-progress = { $count ->
    [one] Egy érték validálásra vár. Csak a város tagjai láthatják.
   *[other] { $count } érték validálásra vár. Csak a város tagjai láthatják.
}
table-indicator = Mutató
table-period = Időszak
table-value = Érték
table-unit = Mértékegység
table-source = Forrás
table-state = Állapot
value-synthetic = szintetikus bemutatóadat
state-draft = piszkozat
state-submitted = beküldve
state-validated = validálva
state-published = közzétéve
state-returned = javításra visszaküldve
login-title = Bejelentkezés
login-intro = Adatok rögzítéséhez, validálásához és megvitatásához be kell jelentkezni. A nyilvános portál olvasásához nincs szükség fiókra.
login-username = Felhasználónév
login-password = Jelszó
login-submit = Bejelentkezés
login-failed = A felhasználónév vagy a jelszó hibás.
login-throttled = Túl sok sikertelen próbálkozás. Kérjük, próbálja újra { $minutes } perc múlva.
logout-submit = Kijelentkezés
error-summary = Probléma merült fel
error-title = Hiba történt
error-not-found-title = Az oldal nem található
error-not-found = Ez az oldal nem létezik, vagy nincs jogosultsága a megtekintéséhez.
error-forbidden = Nincs jogosultsága ehhez a művelethez.
error-bad-request = A kérés nem értelmezhető.
error-csrf = Az űrlap lejárt, vagy nem erről a webhelyről származik. Kérjük, próbálja újra.
error-too-large = A kérés túl nagy.
error-timeout = A kérés feldolgozása túl sokáig tartott.
error-internal = Váratlan hiba történt. A hibát rögzítettük; kérjük, próbálja újra később.
error-unauthenticated = Kérjük, először jelentkezzen be.
error-method = Ez a cím nem fogad ilyen típusú kérést.
back-home = Vissza a kezdőlapra
footer-about = A Rights Monitor szabványosított rendszer az emberi jogok városi szintű monitorozására.
footer-api = Nyílt adatok (JSON API)
theme-agreed = közösen elfogadott terület
fallback-note = még nincs lefordítva; angolul jelenik meg
