# Interface de utilizador do Rights Monitor, português.

site-name = Rights Monitor
site-tagline = Direitos humanos nas cidades, monitorizados em conjunto
skip-to-content = Saltar para o conteúdo principal
nav-label = Menu principal
nav-home = Início
nav-login = Iniciar sessão
nav-signed-in-as = Sessão iniciada como { $name }
language-switch = Idioma
language-switch-submit = Mudar de idioma
demo-banner = Esta é uma demonstração. Todos os valores apresentados são dados de demonstração sintéticos, não medições reais.
home-title = Direitos humanos nas cidades
home-intro = O Rights Monitor ajuda as cidades, as organizações da sociedade civil e o meio académico a acompanhar em conjunto se as pessoas conseguem aceder aos seus direitos, onde persistem lacunas e que progressos são alcançados.
home-cities = Cidades da rede
home-cities-count = { $count ->
    [one] Participa uma cidade.
   *[other] Participam { $count } cidades.
}
home-themes = Temas de monitorização
home-agreed-areas = Áreas monitorizadas por todas as cidades
home-other-themes = Outros temas
home-no-cities = Ainda nenhuma cidade aderiu.
city-observer = observadora
city-country = País
city-language = Língua principal
city-local-name = Nome local
city-districts = Bairros
city-no-districts = Nenhum bairro registado.
city-latest-values = Últimos valores publicados
city-latest-values-caption = O último valor publicado de cada indicador, para toda a população.
city-no-values = Ainda não há valores publicados.
city-work-in-progress = { $count ->
    [one] Um valor aguarda validação. Só os membros desta cidade o podem ver.
   *[other] { $count } valores aguardam validação. Só os membros desta cidade os podem ver.
}
table-indicator = Indicador
table-period = Período
table-value = Valor
table-unit = Unidade
table-source = Fonte
table-state = Estado
value-synthetic = dados de demonstração sintéticos
state-draft = rascunho
state-submitted = submetido
state-validated = validado
state-published = publicado
state-returned = devolvido para correção
login-title = Iniciar sessão
login-intro = É necessário iniciar sessão para introduzir, validar e debater dados. A consulta do portal público não requer conta.
login-username = Nome de utilizador
login-password = Palavra-passe
login-submit = Iniciar sessão
login-failed = O nome de utilizador ou a palavra-passe estão incorretos.
login-throttled = Demasiadas tentativas falhadas. Será possível tentar novamente dentro de { $minutes } minutos.
logout-submit = Terminar sessão
error-summary = Ocorreu um problema
error-title = Algo correu mal
error-not-found-title = Página não encontrada
error-not-found = Esta página não existe ou o acesso à mesma não é permitido.
error-forbidden = Esta ação não é permitida.
error-bad-request = Não foi possível compreender o pedido.
error-csrf = O formulário expirou ou não foi enviado a partir deste site. É favor tentar novamente.
error-too-large = O pedido é demasiado grande.
error-timeout = O pedido demorou demasiado tempo.
error-internal = Ocorreu um erro inesperado. O erro foi registado; é favor tentar novamente mais tarde.
error-unauthenticated = É necessário iniciar sessão primeiro.
error-method = Este endereço não aceita este tipo de pedido.
back-home = Voltar à página inicial
footer-about = O Rights Monitor é um sistema normalizado de monitorização dos direitos humanos nas cidades.
footer-api = Dados abertos (API JSON)
theme-agreed = área acordada
fallback-note = ainda não traduzido; apresentado em inglês
