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
nav-indicators = Wskaźniki
nav-proposals = Propozycje
catalogue-title = Katalog wskaźników
catalogue-intro = Wspólne wskaźniki podstawowe sieci oraz własne wskaźniki lokalne miast, każdy powiązany z prawami, których monitorowaniu służy.
catalogue-search = Wyszukiwanie
catalogue-search-label = Słowa w kodzie, nazwie lub definicji
catalogue-filter-theme = Temat
catalogue-filter-right = Prawo
catalogue-filter-type = Rodzaj wskaźnika
catalogue-filter-city = Miasto
catalogue-filter-retired = Uwzględnij wskaźniki wycofane z użytku
catalogue-filter-any = Wszystkie
catalogue-filter-submit = Pokaż wskaźniki
catalogue-results = { $count ->
    [one] Znaleziono jeden wskaźnik.
    [few] Znaleziono { $count } wskaźniki.
    [many] Znaleziono { $count } wskaźników.
   *[other] Znaleziono { $count } wskaźnika.
}
catalogue-none = Żaden wskaźnik nie odpowiada wybranym filtrom.
catalogue-previous = Poprzednia strona
catalogue-next = Następna strona
catalogue-export = Pobierz ramy wskaźników (JSON)
catalogue-export-toml = Pobierz ramy wskaźników (TOML)
table-code = Kod
table-name = Nazwa
table-themes = Tematy
table-types = Rodzaje
table-scope = Zakres
scope-core = podstawowy
scope-local = lokalny ({ $city })
type-structural = strukturalny
type-process = procesu
type-outcome = rezultatu
indicator-version = Wersja { $version }
indicator-retired = Wycofany z użytku: { $reason }
indicator-definition = Definicja
indicator-rationale = Dlaczego to ważne
indicator-computation = Sposób obliczania
indicator-numerator = Licznik
indicator-denominator = Mianownik
indicator-formula = Wzór
indicator-survey-question = Pytanie ankietowe
indicator-metadata = Metadane
indicator-unit = Jednostka
indicator-decimals = Miejsca dziesiętne
indicator-direction = Kierunek
indicator-value-type = Rodzaj wartości
indicator-additivity = Addytywność
indicator-limits = Granice naturalne
indicator-target-band = Przedział docelowy
indicator-disaggregations = W podziale na
indicator-no-disaggregations = Tylko cała populacja
indicator-frequency = Częstotliwość
indicator-source = Zastosowana definicja
indicator-provider = Sugerowany dostawca danych
indicator-rights = Prawa
indicator-right-role = Rola
indicator-attribute = Atrybut
indicator-comparability = Porównywalność
indicator-compares-with = Porównywalny ze wskaźnikiem podstawowym { $code } ({ $level })
indicator-history = Historia wersji
indicator-breaks-series = przerywa szereg czasowy
indicator-continues-series = kontynuuje szereg czasowy
indicator-adoptions = Przyjęcie przez miasta
indicator-adopted = przyjęty
indicator-left-out = pominięty: { $reason }
indicator-no-adoptions = Żadne miasto nie podjęło jeszcze decyzji w sprawie tego wskaźnika.
direction-higher_is_better = im wyższa wartość, tym lepiej
direction-lower_is_better = im niższa wartość, tym lepiej
direction-target_band = w przedziale docelowym
direction-unstated = kierunek nieokreślony
proposals-title = Propozycje
proposals-intro = Wskaźniki wybiera się wspólnie. Każdy może śledzić każdą propozycję; członkowie grupy roboczej danego miasta omawiają ją i popierają, członkowie społeczeństwa obywatelskiego mogą zgłosić sprzeciw, a decyzja wymaga tylu poparć, ile przewiduje reguła danego miasta.
proposals-none = Brak propozycji.
proposals-new = Zgłoś propozycję
proposals-filter-status = Status
proposals-filter-scope = Dotyczy
proposal-scope-network = cała sieć
proposal-kind-new_indicator = nowy wskaźnik
proposal-kind-change = zmiana wskaźnika
proposal-kind-adoption = przyjęcie wskaźników podstawowych
proposal-kind-retirement = wycofanie wskaźnika z użytku
proposal-status-open = otwarta
proposal-status-accepted = przyjęta
proposal-status-rejected = odrzucona
proposal-status-withdrawn = wycofana
proposal-heading = Propozycja { $id }: { $title }
proposal-by = Zgłoszona przez: { $name }, { $date }
proposal-rationale = Uzasadnienie
proposal-change = Co się zmienia
proposal-adopt = Do przyjęcia
proposal-leave-out = Do pominięcia
proposal-endorsements = Poparcia
proposal-no-endorsements = Brak poparć.
proposal-rule-met = Reguła poparcia jest spełniona: można podjąć decyzję w sprawie propozycji.
proposal-rule-missing = Wciąż za mało poparć ({ $side }): wymagana liczba to { $needed }, dotychczas { $have }.
side-municipal = urząd miasta
side-civil_society = społeczeństwo obywatelskie
side-academic = środowisko akademickie
side-city = miasto
proposal-objections = Sprzeciwy
proposal-no-objections = Brak sprzeciwów.
proposal-comments = Dyskusja
proposal-no-comments = Brak komentarzy.
proposal-decision = Decyzja
proposal-decided = { $outcome } przez: { $name }, { $date }
proposal-comment-label = Treść komentarza
proposal-comment-submit = Dodaj komentarz
proposal-endorse-submit = Poprzyj tę propozycję
proposal-object-label = Uzasadnienie sprzeciwu
proposal-object-submit = Zgłoś sprzeciw
proposal-decide-reason = Uzasadnienie decyzji
proposal-accept = Przyjmij
proposal-reject = Odrzuć
proposal-withdraw = Wycofaj propozycję
proposal-new-title = Zgłoś propozycję
proposal-new-intro = Należy wybrać, czego dotyczy propozycja. Grupa robocza od razu ją zobaczy.
proposal-field-scope = Dotyczy
proposal-field-title = Tytuł
proposal-field-rationale = Uzasadnienie
proposal-field-adopt-help = Należy zaznaczyć wskaźniki podstawowe przyjmowane przez miasto i podać powód pominięcia każdego z pozostałych.
proposal-field-reason = Powód pominięcia
proposal-field-indicator = Wskaźnik
proposal-field-retire-reason = Dlaczego należy wycofać go z użytku
proposal-field-definition = Definicja wskaźnika (TOML, jak w pliku ram)
proposal-field-definition-help = Jeden wskaźnik z kodem, wersją, nazwami, definicją, jednostką, kierunkiem, rodzajem wartości, tematami i prawami. W przypadku zmiany należy podać kolejny numer wersji.
proposal-submit = Prześlij propozycję
proposal-adoption-legend = Przyjęcie wskaźników podstawowych
proposal-retirement-legend = Wycofanie wskaźnika z użytku
proposal-definition-legend = Nowy wskaźnik lub nowa wersja
footer-framework = Ramy wskaźników
nav-workspace = Moje zadania
workspace-title = Moje zadania
workspace-intro = Wskaźniki dostarczane przez Państwa organizację wraz z terminami. Należy wprowadzić wartość, zapisać ją jako wersję roboczą i przesłać, gdy będzie gotowa.
workspace-none = Państwa organizacji nie przypisano żadnych zadań.
workspace-deadline = Termin
workspace-cycle = Cykl sprawozdawczy
workspace-status = Wartość
workspace-missing = jeszcze nie wprowadzono
workspace-enter = Wprowadź wartość
entry-title = Wprowadź wartość dla: { $name }
entry-intro = Najpierw należy podać wartość dla całej populacji, a następnie dla każdej grupy, dla której jest dostępna. Grupę, dla której nie ma wartości, należy pozostawić pustą.
entry-area = Miasto lub dzielnica
entry-period = Okres
entry-period-help = Na przykład 2024, 2024-Q1 lub 2023/2024.
entry-group = Grupa
entry-total = Cała populacja
entry-value = Wartość ({ $unit })
entry-lower = Dolna granica
entry-upper = Górna granica
entry-source = Źródło
entry-source-reference = Zbiór danych lub link
entry-method = Uwaga metodologiczna
entry-save = Zapisz jako wersję roboczą
entry-saved = { $count ->
    [one] Zapisano jedną wartość jako wersję roboczą.
    [few] Zapisano { $count } wartości jako wersje robocze.
    [many] Zapisano { $count } wartości jako wersje robocze.
   *[other] Zapisano { $count } wartości jako wersje robocze.
}
entry-submit = Prześlij do zatwierdzenia
entry-submitted = Wartość została przesłana do zatwierdzenia.
workspace-nav-label = Obszar roboczy
queue-title = Kolejka do przeglądu
queue-intro = Tutaj czekają wartości przesłane w Państwa miastach. Można zatwierdzić wartość wprowadzoną przez inną osobę, opublikować zatwierdzone wartości lub zwrócić wartość do poprawy, podając powód.
queue-empty = Żadne wartości nie czekają na Państwa przegląd.
queue-caption = { $count ->
    [one] Jedna wartość czeka na przegląd.
    [few] { $count } wartości czekają na przegląd.
    [many] { $count } wartości czeka na przegląd.
   *[other] { $count } wartości czeka na przegląd.
}
queue-select = Wybierz
queue-select-value = Wybierz wartość { $id }
queue-value = Wartość
queue-value-number = Wartość { $id }
queue-entered-by = Osoba wprowadzająca
queue-own = własna
queue-own-hint = Nie można zatwierdzić wartości wprowadzonej samodzielnie: robi to inny koordynator.
queue-history = Historia
queue-reason = Powód zwrotu
queue-reason-help = Wymagane przy zwracaniu wartości: należy wskazać, co wymaga poprawy.
queue-validate = Zatwierdź zaznaczone
queue-publish = Opublikuj zaznaczone
queue-return = Zwróć zaznaczone do poprawy
queue-done = { $count ->
    [one] Jedna wartość przeszła do kolejnego etapu.
    [few] { $count } wartości przeszły do kolejnego etapu.
    [many] { $count } wartości przeszło do kolejnego etapu.
   *[other] { $count } wartości przeszło do kolejnego etapu.
}
queue-none-selected = Należy zaznaczyć co najmniej jedną wartość.
queue-reason-missing = Należy podać powód zwrotu wartości.
queue-not-yours = Brak uprawnień do przeglądu tej wartości.
queue-pages = Strony kolejki
queue-previous = Poprzednia strona
queue-next = Następna strona
import-title = Import
import-intro = Można przesłać tabelę w formacie długim (CSV lub XLSX) albo wypełniony szablon cyklu sprawozdawczego. Import sprawdza każdy wiersz i zapisuje albo wszystkie wartości, albo żadnej; raport wskazuje każdy problem wraz z wierszem.
import-file = Plik do zaimportowania
import-file-help = Plik .csv (UTF-8) lub skoroszyt .xlsx, maksymalnie { $limit } MB.
import-dry-run = Tylko sprawdzenie: nic nie zostanie zapisane
import-submit-values = Prześlij nowe wartości do zatwierdzenia
import-reason = Powód zmian
import-reason-help = Wymagane, gdy plik zmienia wartość, która jest już zapisana.
import-start = Importuj
import-no-file = Należy wybrać plik do zaimportowania.
import-templates = Szablony Państwa cykli sprawozdawczych
import-templates-intro = Szablon to skoroszyt z jednym arkuszem na każdy wskaźnik cyklu, jednym wierszem na każdy obszar i jedną kolumną na każdą grupę. Należy go wypełnić i przesłać powyżej.
import-template-download = Pobierz szablon
import-no-cycles = Państwa miasta nie mają jeszcze cykli sprawozdawczych.
import-of = Import pliku { $file }
import-running = Trwa import:
import-rows-read = odczytane wiersze:
import-check-again = Sprawdź ponownie
import-failed = Nie udało się przeprowadzić importu
import-nothing-imported = { $count ->
    [one] Nic nie zaimportowano: jeden problem wymaga poprawy.
    [few] Nic nie zaimportowano: { $count } problemy wymagają poprawy.
    [many] Nic nie zaimportowano: { $count } problemów wymaga poprawy.
   *[other] Nic nie zaimportowano: { $count } problemu wymaga poprawy.
}
import-done = Wartości zostały zaimportowane.
import-checked = Plik został sprawdzony i nie zawiera problemów; niczego nie zapisano.
import-rows = Odczytane wiersze
import-created = Nowe wartości
import-revised = Zmienione wartości
import-unchanged = Niezmienione wartości
import-skipped = Wiersze bez wartości
import-warnings = Ostrzeżenia
import-problems = Problemy
import-more = Pozostałe niewymienione: { $count }.
import-where = Miejsce
import-column = Kolumna
import-problem = Problem
import-row = wiersz { $row }
import-report-json = Raport w formacie JSON
import-another = Importuj kolejny plik
cycles-title = Cykle sprawozdawcze
cycles-intro = Co Państwa miasta zbierają za dany okres, w jakim terminie i od kogo. Można otworzyć cykl sprawozdawczy, przypisać każdy wskaźnik organizacji, która go dostarcza, i śledzić, ile wartości już wpłynęło.
cycles-none = Państwa miasta nie mają jeszcze cykli sprawozdawczych.
cycles-expected = Oczekiwane
cycles-received = Otrzymane
cycles-published = Opublikowane
cycles-new = Otwórz cykl sprawozdawczy
cycles-city = Miasto
cycles-name = Nazwa
cycles-deadline-help = Data, do której należy dostarczyć wartości, na przykład 2025-03-31.
cycles-create = Otwórz cykl sprawozdawczy
cycles-assignments = Wskaźniki i dostawcy danych
cycles-organisation = Organizacja
cycles-no-assignments = W tym cyklu nie przypisano jeszcze żadnego wskaźnika.
cycles-assign = Przypisz wskaźnik
cycles-assign-submit = Przypisz
cycles-no-organisations = Miasto nie ma jeszcze żadnych organizacji; najpierw należy dodać organizację (rightsmon organisation add).
import-format = Zawartość pliku
import-format-auto = Wartości w formacie długim albo wypełniony szablon
import-format-open-sdg = Jeden wskaźnik w formacie Open SDG
import-open-sdg-help = Plik danych Open SDG (Year, kolumny podziału, Value) o nazwie indicator_<id>.csv, tak jak w folderze danych Open SDG. Wskaźnik, którego miasto jeszcze nie ma, staje się jednym z jego własnych wskaźników; cały folder wraz z metadanymi importuje się poleceniem rightsmon import FOLDER --city CITY.
import-city = Miasto, którego dotyczy plik Open SDG
import-open-sdg-name = Plik Open SDG należy nazwać tak jak w jego folderze danych: indicator_<id>.csv, na przykład indicator_16-1-3.csv.
