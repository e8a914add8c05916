# Interfaz de usuario de Rights Monitor, español.

site-name = Rights Monitor
site-tagline = Derechos humanos en las ciudades, con un seguimiento compartido
skip-to-content = Saltar al contenido principal
nav-label = Menú principal
nav-home = Inicio
nav-login = Iniciar sesión
nav-signed-in-as = Sesión iniciada como { $name }
language-switch = Idioma
language-switch-submit = Cambiar idioma
demo-banner = Esto es una demostración. Todas las cifras mostradas son datos de demostración sintéticos, no mediciones reales.
home-title = Derechos humanos en las ciudades
home-intro = Rights Monitor ayuda a las ciudades, a las organizaciones de la sociedad civil y al mundo académico a comprobar conjuntamente si las personas pueden acceder a sus derechos, dónde persisten carencias y qué avances se logran.
home-cities = Ciudades de la red
home-cities-count = { $count ->
    [one] Participa una ciudad.
   *[other] Participan { $count } ciudades.
}
home-themes = Temas de seguimiento
home-agreed-areas = Ámbitos que supervisan todas las ciudades
home-other-themes = Otros temas
home-no-cities = Todavía no se ha unido ninguna ciudad.
city-observer = observadora
city-country = País
city-language = Idioma principal
city-local-name = Nombre local
city-districts = Distritos
city-no-districts = No hay distritos registrados.
city-latest-values = Últimos valores publicados
city-latest-values-caption = El último valor publicado de cada indicador, para toda la población.
city-no-values = Todavía no hay valores publicados.
city-work-in-progress = { $count ->
    [one] Un valor está pendiente de validación. Solo los miembros de esta ciudad pueden verlo.
   *[other] { $count } valores están pendientes de validación. Solo los miembros de esta ciudad pueden verlos.
}
table-indicator = Indicador
table-period = Periodo
table-value = Valor
table-unit = Unidad
table-source = Fuente
table-state = Estado
value-synthetic = datos de demostración sintéticos
state-draft = borrador
state-submitted = enviado
state-validated = validado
state-published = publicado
state-returned = devuelto para corrección
login-title = Iniciar sesión
login-intro = Inicie sesión para introducir, validar y debatir datos. Para consultar el portal público no se necesita ninguna cuenta.
login-username = Nombre de usuario
login-password = Contraseña
login-submit = Iniciar sesión
login-failed = El nombre de usuario o la contraseña no son correctos.
login-throttled = Demasiados intentos fallidos. Vuelva a intentarlo dentro de { $minutes } minutos.
logout-submit = Cerrar sesión
error-summary = Se ha producido un problema
error-title = Algo ha salido mal
error-not-found-title = Página no encontrada
error-not-found = Esta página no existe o no tiene permiso para verla.
error-forbidden = No tiene permiso para realizar esta acción.
error-bad-request = No se ha podido entender la solicitud.
error-csrf = El formulario ha caducado o no procede de este sitio. Vuelva a intentarlo.
error-too-large = La solicitud es demasiado grande.
error-timeout = La solicitud ha tardado demasiado.
error-internal = Se ha producido un error inesperado. Ha quedado registrado; vuelva a intentarlo más tarde.
error-unauthenticated = Primero debe iniciar sesión.
error-method = Esta dirección no acepta este tipo de solicitud.
back-home = Volver a la página de inicio
footer-about = Rights Monitor es un sistema normalizado de seguimiento de los derechos humanos en las ciudades.
footer-api = Datos abiertos (API JSON)
theme-agreed = ámbito acordado
fallback-note = aún no traducido; se muestra en inglés
