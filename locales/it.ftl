# Interfaccia utente di Rights Monitor, italiano.

site-name = Rights Monitor
site-tagline = I diritti umani nelle città, monitorati insieme
skip-to-content = Vai al contenuto principale
nav-label = Menu principale
nav-home = Home
nav-login = Accedi
nav-signed-in-as = Accesso effettuato come { $name }
language-switch = Lingua
language-switch-submit = Cambia lingua
demo-banner = Questa è una dimostrazione. Tutti i dati mostrati sono dati dimostrativi sintetici, non misurazioni reali.
home-title = I diritti umani nelle città
home-intro = Rights Monitor aiuta città, organizzazioni della società civile e mondo accademico a seguire insieme se le persone possono accedere ai propri diritti, dove permangono lacune e quali progressi vengono compiuti.
home-cities = Città della rete
home-cities-count = { $count ->
    [one] Partecipa una città.
   *[other] Partecipano { $count } città.
}
home-themes = Temi di monitoraggio
home-agreed-areas = Ambiti monitorati da tutte le città
home-other-themes = Altri temi
home-no-cities = Nessuna città ha ancora aderito.
city-observer = osservatrice
city-country = Paese
city-language = Lingua principale
city-local-name = Nome locale
city-districts = Quartieri
city-no-districts = Nessun quartiere registrato.
city-latest-values = Ultimi valori pubblicati
city-latest-values-caption = L'ultimo valore pubblicato di ciascun indicatore, per l'intera popolazione.
city-no-values = Ancora nessun valore pubblicato.
city-work-in-progress = { $count ->
    [one] Un valore è in attesa di convalida. È visibile solo ai membri di questa città.
   *[other] { $count } valori sono in attesa di convalida. Sono visibili solo ai membri di questa città.
}
table-indicator = Indicatore
table-period = Periodo
table-value = Valore
table-unit = Unità
table-source = Fonte
table-state = Stato
value-synthetic = dati dimostrativi sintetici
state-draft = bozza
state-submitted = inviato
state-validated = convalidato
state-published = pubblicato
state-returned = restituito per correzione
login-title = Accesso
login-intro = Per inserire, convalidare e discutere i dati è necessario accedere. Per consultare il portale pubblico non serve un account.
login-username = Nome utente
login-password = Password
login-submit = Accedi
login-failed = Nome utente o password errati.
login-throttled = Troppi tentativi non riusciti. Riprovare tra { $minutes } minuti.
logout-submit = Esci
error-summary = Si è verificato un problema
error-title = Qualcosa è andato storto
error-not-found-title = Pagina non trovata
error-not-found = Questa pagina non esiste oppure non si dispone dell'autorizzazione per visualizzarla.
error-forbidden = Non si dispone dell'autorizzazione per eseguire questa operazione.
error-bad-request = Impossibile comprendere la richiesta.
error-csrf = Il modulo è scaduto o non proviene da questo sito. Riprovare.
error-too-large = La richiesta è troppo grande.
error-timeout = La richiesta ha impiegato troppo tempo.
error-internal = Si è verificato un errore imprevisto. L'errore è stato registrato; riprovare più tardi.
error-unauthenticated = È necessario prima accedere.
error-method = Questo indirizzo non accetta questo tipo di richiesta.
back-home = Torna alla pagina iniziale
footer-about = Rights Monitor è un sistema standardizzato di monitoraggio dei diritti umani nelle città.
footer-api = Dati aperti (API JSON)
theme-agreed = ambito concordato
fallback-note = non ancora tradotto; mostrato in inglese
