# Interface utilisateur de Rights Monitor, français.

site-name = Rights Monitor
site-tagline = Les droits humains dans les villes, suivis ensemble
skip-to-content = Aller au contenu principal
nav-label = Menu principal
nav-home = Accueil
nav-login = Se connecter
nav-signed-in-as = Session ouverte en tant que { $name }
language-switch = Langue
language-switch-submit = Changer de langue
demo-banner = Ceci est une démonstration. Tous les chiffres affichés sont des données de démonstration synthétiques et non des mesures réelles.
home-title = Les droits humains dans les villes
home-intro = Rights Monitor aide les villes, les organisations de la société civile et les universitaires à suivre ensemble si les personnes peuvent accéder à leurs droits, où subsistent des lacunes et quels progrès sont accomplis.
home-cities = Villes du réseau
home-cities-count = { $count ->
    [one] { $count } ville participe.
   *[other] { $count } villes participent.
}
home-themes = Thèmes de suivi
home-agreed-areas = Domaines suivis par toutes les villes
home-other-themes = Autres thèmes
home-no-cities = Aucune ville n'a encore rejoint le réseau.
city-observer = observatrice
city-country = Pays
city-language = Langue principale
city-local-name = Nom local
city-districts = Quartiers
city-no-districts = Aucun quartier enregistré.
city-latest-values = Dernières valeurs publiées
city-latest-values-caption = La dernière valeur publiée de chaque indicateur, pour l'ensemble de la population.
city-no-values = Aucune valeur publiée pour l'instant.
city-work-in-progress = { $count ->
    [one] { $count } valeur est en attente de validation. Seuls les membres de cette ville peuvent la voir.
   *[other] { $count } valeurs sont en attente de validation. Seuls les membres de cette ville peuvent les voir.
}
table-indicator = Indicateur
table-period = Période
table-value = Valeur
table-unit = Unité
table-source = Source
table-state = État
value-synthetic = données de démonstration synthétiques
state-draft = brouillon
state-submitted = soumise
state-validated = validée
state-published = publiée
state-returned = renvoyée pour correction
login-title = Connexion
login-intro = Connectez-vous pour saisir, valider et discuter des données. La consultation du portail public ne nécessite aucun compte.
login-username = Nom d'utilisateur
login-password = Mot de passe
login-submit = Se connecter
login-failed = Le nom d'utilisateur ou le mot de passe est incorrect.
login-throttled = Trop de tentatives infructueuses. Veuillez réessayer dans { $minutes } minutes.
logout-submit = Se déconnecter
error-summary = Un problème est survenu
error-title = Une erreur s'est produite
error-not-found-title = Page introuvable
error-not-found = Cette page n'existe pas ou vous n'avez pas l'autorisation de la consulter.
error-forbidden = Vous n'avez pas l'autorisation d'effectuer cette action.
error-bad-request = La requête n'a pas pu être comprise.
error-csrf = Le formulaire a expiré ou ne provient pas de ce site. Veuillez réessayer.
error-too-large = La requête est trop volumineuse.
error-timeout = La requête a pris trop de temps.
error-internal = Une erreur inattendue s'est produite. Elle a été enregistrée ; veuillez réessayer plus tard.
error-unauthenticated = Veuillez d'abord vous connecter.
error-method = Cette adresse n'accepte pas ce type de requête.
back-home = Retour à la page d'accueil
footer-about = Rights Monitor est un système normalisé de suivi des droits humains dans les villes.
footer-api = Données ouvertes (API JSON)
theme-agreed = domaine convenu
fallback-note = pas encore traduit ; affiché en anglais
