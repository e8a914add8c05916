# Rights Monitor user interface, English (the reference language).

site-name = Rights Monitor
site-tagline = Human rights in cities, monitored together
skip-to-content = Skip to main content
nav-label = Main
nav-home = Home
nav-login = Sign in
nav-signed-in-as = Signed in as { $name }
language-switch = Language
language-switch-submit = Change language
demo-banner = This is a demonstration. Every figure shown is synthetic demo data, not a real measurement.
home-title = Human rights in cities
home-intro = Rights Monitor helps cities, civil-society organisations and academics follow together whether people can access their rights, where gaps remain and what progress is made.
home-cities = Cities of the network
home-cities-count = { $count ->
    [one] One city takes part.
   *[other] { $count } cities take part.
}
home-themes = Monitoring themes
home-agreed-areas = Areas every city monitors
home-other-themes = Further themes
home-no-cities = No cities have joined yet.
city-observer = observer
city-country = Country
city-language = Main language
city-local-name = Local name
city-districts = Districts
city-no-districts = No districts recorded.
city-latest-values = Latest published values
city-latest-values-caption = The latest published value of each indicator, for the whole population.
city-no-values = No published values yet.
city-work-in-progress = { $count ->
    [one] One value is waiting for validation. Only members of this city can see it.
   *[other] { $count } values are waiting for validation. Only members of this city can see them.
}
table-indicator = Indicator
table-period = Period
table-value = Value
table-unit = Unit
table-source = Source
table-state = State
value-synthetic = synthetic demo data
state-draft = draft
state-submitted = submitted
state-validated = validated
state-published = published
state-returned = returned for correction
login-title = Sign in
login-intro = Sign in to enter, validate and discuss data. Reading the public portal needs no account.
login-username = User name
login-password = Password
login-submit = Sign in
login-failed = The user name or password is wrong.
login-throttled = Too many failed attempts. Try again in { $minutes } minutes.
logout-submit = Sign out
error-summary = There is a problem
error-title = Something went wrong
error-not-found-title = Page not found
error-not-found = This page does not exist, or you are not allowed to see it.
error-forbidden = You are not allowed to do this.
error-bad-request = The request could not be understood.
error-csrf = The form expired or did not come from this site. Please try again.
error-too-large = The request is too large.
error-timeout = The request took too long.
error-internal = An unexpected error occurred. It has been recorded; please try again later.
error-unauthenticated = Please sign in first.
error-method = This address does not accept this kind of request.
back-home = Back to the home page
footer-about = Rights Monitor is a standardized monitoring system for human rights in cities.
footer-api = Open data (JSON API)
theme-agreed = agreed area
fallback-note = not yet translated; shown in English
