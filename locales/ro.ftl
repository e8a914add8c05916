# Interfața de utilizator Rights Monitor, română.

site-name = Rights Monitor
site-tagline = Drepturile omului în orașe, monitorizate împreună
skip-to-content = Salt la conținutul principal
nav-label = Meniu principal
nav-home = Pagina principală
nav-login = Autentificare
nav-signed-in-as = Utilizator conectat: { $name }
language-switch = Limbă
language-switch-submit = Schimbați limba
demo-banner = Aceasta este o demonstrație. Toate cifrele afișate sunt date demonstrative sintetice, nu măsurători reale.
home-title = Drepturile omului în orașe
home-intro = Rights Monitor ajută orașele, organizațiile societății civile și mediul academic să urmărească împreună dacă oamenii au acces la drepturile lor, unde persistă lacune și ce progrese se fac.
home-cities = Orașele rețelei
home-cities-count = { $count ->
    [one] Participă un oraș.
    [few] Participă { $count } orașe.
   *[other] Participă { $count } de orașe.
}
home-themes = Teme de monitorizare
home-agreed-areas = Domenii monitorizate de toate orașele
home-other-themes = Alte teme
home-no-cities = Încă nu s-a alăturat niciun oraș.
city-observer = observator
city-country = Țară
city-language = Limba principală
city-local-name = Denumire locală
city-districts = Cartiere
city-no-districts = Niciun cartier înregistrat.
city-latest-values = Cele mai recente valori publicate
city-latest-values-caption = Cea mai recentă valoare publicată a fiecărui indicator, pentru întreaga populație.
city-no-values = Încă nu există valori publicate.
city-work-in-progress = { $count ->
    [one] O valoare așteaptă validarea. Numai membrii acestui oraș o pot vedea.
    [few] { $count } valori așteaptă validarea. Numai membrii acestui oraș le pot vedea.
   *[other] { $count } de valori așteaptă validarea. Numai membrii acestui oraș le pot vedea.
}
table-indicator = Indicator
table-period = Perioadă
table-value = Valoare
table-unit = Unitate
table-source = Sursă
table-state = Stare
value-synthetic = date demonstrative sintetice
state-draft = ciornă
state-submitted = trimisă
state-validated = validată
state-published = publicată
state-returned = returnată pentru corectare
login-title = Autentificare
login-intro = Autentificați-vă pentru a introduce, valida și discuta date. Consultarea portalului public nu necesită cont.
login-username = Nume de utilizator
login-password = Parolă
login-submit = Autentificare
login-failed = Numele de utilizator sau parola sunt greșite.
login-throttled = Prea multe încercări eșuate. Încercați din nou peste { $minutes } min.
logout-submit = Deconectare
error-summary = A apărut o problemă
error-title = Ceva nu a funcționat
error-not-found-title = Pagina nu a fost găsită
error-not-found = Această pagină nu există sau nu aveți permisiunea să o vedeți.
error-forbidden = Nu aveți permisiunea să efectuați această acțiune.
error-bad-request = Cererea nu a putut fi înțeleasă.
error-csrf = Formularul a expirat sau nu provine de pe acest site. Vă rugăm să încercați din nou.
error-too-large = Cererea este prea mare.
error-timeout = Cererea a durat prea mult.
error-internal = A apărut o eroare neașteptată. Eroarea a fost înregistrată; vă rugăm să încercați din nou mai târziu.
error-unauthenticated = Vă rugăm să vă autentificați mai întâi.
error-method = Această adresă nu acceptă acest tip de cerere.
back-home = Înapoi la pagina principală
footer-about = Rights Monitor este un sistem standardizat de monitorizare a drepturilor omului în orașe.
footer-api = Date deschise (API JSON)
theme-agreed = domeniu convenit
fallback-note = încă netradus; afișat în engleză
