# Interfejs użytkownika Rights Monitor, polski.

site-name = Rights Monitor
site-tagline = Prawa człowieka w miastach – wspólny monitoring
skip-to-content = Przejdź do treści głównej
nav-label = Menu główne
nav-home = Strona główna
nav-login = Zaloguj się
nav-signed-in-as = Zalogowano jako { $name }
language-switch = Język
language-switch-submit = Zmień język
demo-banner = To jest wersja demonstracyjna. Wszystkie prezentowane liczby to syntetyczne dane demonstracyjne, a nie rzeczywiste pomiary.
home-title = Prawa człowieka w miastach
home-intro = Rights Monitor pomaga miastom, organizacjom społeczeństwa obywatelskiego i środowisku akademickiemu wspólnie śledzić, czy ludzie mają dostęp do swoich praw, gdzie pozostają luki i jakie postępy są osiągane.
home-cities = Miasta sieci
home-cities-count = { $count ->
    [one] Uczestniczy jedno miasto.
    [few] Uczestniczą { $count } miasta.
    [many] Uczestniczy { $count } miast.
   *[other] Uczestniczy { $count } miasta.
}
home-themes = Tematy monitoringu
home-agreed-areas = Obszary monitorowane przez wszystkie miasta
home-other-themes = Pozostałe tematy
home-no-cities = Żadne miasto jeszcze nie dołączyło.
city-observer = obserwator
city-country = Kraj
city-language = Język główny
city-local-name = Nazwa lokalna
city-districts = Dzielnice
city-no-districts = Brak zarejestrowanych dzielnic.
city-latest-values = Najnowsze opublikowane wartości
city-latest-values-caption = Najnowsza opublikowana wartość każdego wskaźnika dla całej populacji.
city-no-values = Brak opublikowanych wartości.
city-work-in-progress = { $count ->
    [one] Jedna wartość oczekuje na zatwierdzenie. Widzą ją tylko członkowie tego miasta.
    [few] { $count } wartości oczekują na zatwierdzenie. Widzą je tylko członkowie tego miasta.
    [many] { $count } wartości oczekuje na zatwierdzenie. Widzą je tylko członkowie tego miasta.
   *[other] { $count } wartości oczekuje na zatwierdzenie. Widzą je tylko członkowie tego miasta.
}
table-indicator = Wskaźnik
table-period = Okres
table-value = Wartość
table-unit = Jednostka
table-source = Źródło
table-state = Status
value-synthetic = syntetyczne dane demonstracyjne
state-draft = wersja robocza
state-submitted = przesłana
state-validated = zatwierdzona
state-published = opublikowana
state-returned = zwrócona do poprawy
login-title = Logowanie
login-intro = Zalogowanie się umożliwia wprowadzanie, zatwierdzanie i omawianie danych. Przeglądanie portalu publicznego nie wymaga konta.
login-username = Nazwa użytkownika
login-password = Hasło
login-submit = Zaloguj się
login-failed = Nieprawidłowa nazwa użytkownika lub hasło.
login-throttled = Zbyt wiele nieudanych prób. Ponowna próba będzie możliwa za { $minutes } min.
logout-submit = Wyloguj się
error-summary = Wystąpił problem
error-title = Coś poszło nie tak
error-not-found-title = Nie znaleziono strony
error-not-found = Ta strona nie istnieje lub brak uprawnień do jej wyświetlenia.
error-forbidden = Brak uprawnień do wykonania tej czynności.
error-bad-request = Nie można zrozumieć żądania.
error-csrf = Formularz wygasł lub nie pochodzi z tej witryny. Prosimy spróbować ponownie.
error-too-large = Żądanie jest zbyt duże.
error-timeout = Przetwarzanie żądania trwało zbyt długo.
error-internal = Wystąpił nieoczekiwany błąd. Został on zarejestrowany; prosimy spróbować ponownie później.
error-unauthenticated = Najpierw należy się zalogować.
error-method = Ten adres nie obsługuje tego rodzaju żądań.
back-home = Powrót do strony głównej
footer-about = Rights Monitor to ustandaryzowany system monitorowania praw człowieka w miastach.
footer-api = Otwarte dane (API JSON)
theme-agreed = uzgodniony obszar
fallback-note = jeszcze nieprzetłumaczone; wyświetlane po angielsku
