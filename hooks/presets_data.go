package hooks

import "strings"

// presets is the table behind Presets. Every URL and field comes from the
// documentation in Source; where a vendor documents nothing Callhook can
// use, the preset is listed with Available false and a Note saying so,
// rather than a guessed URL. In URL, body and headers "<name>" stands for
// a parameter.
//
// Numbers: "log call" bodies send {remote|e164}, the form every one of
// these APIs stores and matches phone numbers in. Times and talk times
// take the filters that write them as the vendor documents: {start|offset}
// and {duration|mmss} for Zoho CRM, {start|datetime} for Pipedrive.
//
// Outcomes: a "log call" preset fires when an incoming call ends,
// answered or not, so no body says the call was answered. Where the
// vendor has a field for how a call went, {outcome|map:...} writes it in
// the vendor's documented values (Pipedrive's outcome, HubSpot's
// hs_call_status, Zoho's Call_Type); where it has free text, outcomeText.
//
// "Open contact": none of the twelve vendors documents a browser URL that
// takes a phone number (checked again for issue #9 in each vendor's
// developer docs and help centre: search, screen pop, CTI, global search
// and deep-link URLs). What they document instead is a search API that
// needs a token, or a screen pop that runs as JavaScript inside the CRM;
// each Note says which. The search URLs that circulate in scripts and
// forums (Salesforce Classic's UnifiedSearchResults, Zendesk's
// /agent/search) are in no vendor documentation we found, so they are not
// offered; a user who relies on one can still put it in a hook by hand.
// outcomeText writes {outcome} for people: "Missed", "Answered
// elsewhere". It holds no text the caller chooses, so it may stand in
// fields a CRM shows as HTML.
const outcomeText = "{outcome|map:answered=Answered,missed=Missed,busy=Busy,rejected=Rejected,cancelled=Cancelled," +
	"answered_elsewhere=Answered elsewhere,failed=Failed}"

var presets = []Preset{
	// HubSpot
	unavailable("hubspot-open", "HubSpot", PresetOpen,
		"https://developers.hubspot.com/docs/api/crm/search",
		"HubSpot documents contact search only as an API (POST /crm/v3/objects/contacts/search) and incoming-call screen pops only "+
			"through its Calling Extensions SDK, JavaScript inside HubSpot; no app.hubspot.com URL that takes a phone number is documented"),
	{
		Name: "hubspot-log", Vendor: "HubSpot", Action: PresetLog, Available: true,
		// hs_call_direction INBOUND (the HubSpot user received the call),
		// hs_call_duration in milliseconds, hs_call_status one of BUSY,
		// CALLING_CRM_USER, CANCELED, COMPLETED, CONNECTING, FAILED,
		// IN_PROGRESS, NO_ANSWER, QUEUED, RINGING: all from the properties
		// table of the calls guide. An answered call is COMPLETED, one
		// never answered here (missed, rejected, answered elsewhere)
		// NO_ANSWER. hs_call_body is rich text (HTML), so it holds nothing
		// the caller chooses.
		Source: "https://developers.hubspot.com/docs/guides/api/crm/engagements/calls",
		Note:   "a private app's access token with the crm.objects.contacts.write scope: callhook secret set <token_secret>",
		params: []PresetParam{tokenParam("hubspot-token", "private app access token")},
		hook: Hook{
			Name: "Log the call in HubSpot", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://api.hubapi.com/crm/v3/objects/calls",
			ContentType: "application/json",
			Headers:     map[string]string{"Authorization": "Bearer {secret.<token_secret>}"},
			Body: `{"properties":{"hs_timestamp":"{start}","hs_call_title":"Call with {remote_name} {remote|e164}",` +
				`"hs_call_body":"Outcome: ` + outcomeText + `. Agent: {user}. Talk time: {duration|mmss}.","hs_call_direction":"INBOUND",` +
				`"hs_call_duration":"{duration_ms}","hs_call_from_number":"{remote|e164}","hs_call_to_number":"{callee}",` +
				`"hs_call_status":"{outcome|map:answered=COMPLETED,busy=BUSY,cancelled=CANCELED,failed=FAILED,*=NO_ANSWER}"}}`,
		},
	},

	// Salesforce
	unavailable("salesforce-open", "Salesforce", PresetOpen,
		"https://developer.salesforce.com/docs/atlas.en-us.api_cti.meta/api_cti/sforce_api_cti_searchandscreenpop_lex.htm",
		"Salesforce pops a search only from JavaScript inside Salesforce (Open CTI searchAndScreenPop) and searches by REST "+
			"(GET /services/data/vXX.X/parameterizedSearch/?q=, OAuth token); we found no Lightning Experience or Classic URL that takes a search term in its documentation"),
	{
		Name: "salesforce-log", Vendor: "Salesforce", Action: PresetLog, Available: true,
		// TaskSubtype "Call" (values Task, Email, LinkedIn, ListEmail,
		// Cadence, Call; set on create only), CallType "Inbound" (Inbound,
		// Internal, Outbound), CallDurationInSeconds in seconds,
		// CallDisposition the call's result as free text ("we'll call
		// back", "call unsuccessful"), here outcomeText.
		Source: "https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_task.htm",
		Note:   "creates a completed call Task through the REST API; OAuth access tokens expire, so refresh the secret when Salesforce rejects it",
		params: []PresetParam{
			{Name: "instance", Help: "your My Domain host, e.g. mycompany.my.salesforce.com", kind: paramHost},
			tokenParam("salesforce-token", "OAuth access token"),
		},
		hook: Hook{
			Name: "Log the call in Salesforce", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://<instance>/services/data/v62.0/sobjects/Task",
			ContentType: "application/json",
			Headers:     map[string]string{"Authorization": "Bearer {secret.<token_secret>}"},
			Body: `{"Subject":"Call with {remote_name} {remote|e164}","TaskSubtype":"Call","Status":"Completed",` +
				`"CallType":"Inbound","CallDurationInSeconds":{duration},"CallDisposition":"` + outcomeText + `",` +
				`"Description":"Outcome: ` + outcomeText + `. Agent: {user}. Call {call_id}"}`,
		},
	},

	// Microsoft Dynamics 365
	unavailable("dynamics-open", "Microsoft Dynamics 365", PresetOpen,
		"https://learn.microsoft.com/en-us/power-apps/developer/model-driven-apps/open-forms-views-dialogs-reports-url",
		"main.aspx URLs are documented for apps, records (pagetype=entityrecord) and views (pagetype=entitylist), not for a search; "+
			"Xrm.Navigation.navigateTo has no search page either, and Dataverse search is a Web API (POST /api/search/v1.0/query)"),
	{
		Name: "dynamics-log", Vendor: "Microsoft Dynamics 365", Action: PresetLog, Available: true,
		// directioncode is a Boolean: 0 (false) Incoming, 1 (true) Outgoing,
		// default Outgoing, so an incoming call must send false.
		Source: "https://learn.microsoft.com/en-us/power-apps/developer/data-platform/reference/entities/phonecall",
		Note:   "creates a phonecall activity through the Dataverse Web API; Microsoft Entra access tokens expire, so refresh the secret when Dynamics rejects it",
		params: []PresetParam{
			{Name: "org", Help: "your organisation's host, e.g. myorg.crm4.dynamics.com", kind: paramHost},
			tokenParam("dynamics-token", "Microsoft Entra access token"),
		},
		hook: Hook{
			Name: "Log the call in Dynamics 365", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://<org>/api/data/v9.2/phonecalls",
			ContentType: "application/json",
			Headers:     map[string]string{"Authorization": "Bearer {secret.<token_secret>}"},
			Body: `{"subject":"Call with {remote_name} {remote|e164}","phonenumber":"{remote|e164}","directioncode":false,` +
				`"actualstart":"{start}","actualend":"{end}","description":"Outcome: ` + outcomeText + `. Agent: {user}. Call {call_id}"}`,
		},
	},

	// Zoho CRM
	unavailable("zoho-open", "Zoho CRM", PresetOpen,
		"https://www.zoho.com/crm/developer/docs/api/v8/search-records.html",
		"Zoho documents search by phone only as an API (GET /crm/v8/{module}/search?phone=..., OAuth token) and call pop-ups only "+
			"through PhoneBridge, an API for telephony providers; its CRM help describes the search box, no URL that takes a phone number"),
	{
		Name: "zoho-log", Vendor: "Zoho CRM", Action: PresetLog, Available: true,
		// Insert Records (POST {api-domain}/crm/v8/Calls, a "data" array,
		// Authorization: Zoho-oauthtoken). Calls fields as in Zoho's
		// Calls API guide (Kaizen #38): Call_Type (Inbound, Outbound,
		// Missed) and Call_Start_Time (ISO 8601 with a ±HH:mm offset,
		// "2019-10-23T13:25:00+05:30") are mandatory, Call_Duration
		// ("10:00", mm:ss) for a completed call. An answered call is
		// Inbound, any other Missed. The call is linked to no contact:
		// Who_Id takes a record id, which a phone number is not.
		Source: "https://www.zoho.com/crm/developer/docs/api/v8/insert-records.html",
		Note: "creates an inbound call in the Calls module, a missed call when it was not answered (fields as in https://help.zoho.com/portal/en/community/topic/kaizen-38-calls-api); " +
			"Zoho takes only OAuth access tokens (Zoho-oauthtoken, scope ZohoCRM.modules.calls.CREATE), which expire one hour after they are made " +
			"(https://www.zoho.com/accounts/protocol/oauth/web-apps/access-token-expiry.html) and Callhook does not refresh: " +
			"the hook works only while something else puts a fresh token into the secret at least hourly (callhook secret set <token_secret>)",
		params: []PresetParam{
			{Name: "api_domain", Default: "www.zohoapis.com", kind: paramChoice, choices: zohoAPIDomains,
				Help: "your data centre's API domain (https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html): " + strings.Join(zohoAPIDomains, ", ")},
			tokenParam("zoho-token", "OAuth access token (valid for one hour)"),
		},
		hook: Hook{
			Name: "Log the call in Zoho CRM", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://<api_domain>/crm/v8/Calls",
			ContentType: "application/json",
			Headers:     map[string]string{"Authorization": "Zoho-oauthtoken {secret.<token_secret>}"},
			Body: `{"data":[{"Subject":"Call with {remote_name} {remote|e164}","Call_Type":"{outcome|map:answered=Inbound,*=Missed}",` +
				`"Call_Start_Time":"{start|offset}","Call_Duration":"{duration|mmss}",` +
				`"Description":"Caller {remote|e164}. Outcome: ` + outcomeText + `. Agent: {user}. Call {call_id}"}]}`,
		},
	},

	// Pipedrive
	unavailable("pipedrive-open", "Pipedrive", PresetOpen,
		"https://developers.pipedrive.com/docs/api/v1/ItemSearch",
		"Pipedrive documents search only as an API (GET /v1/itemSearch, GET /v2/persons/search?term=..., API token); "+
			"we found no web app URL that takes a search term in its developer docs or knowledge base"),
	{
		Name: "pipedrive-log", Vendor: "Pipedrive", Action: PresetLog, Available: true,
		// addCallLog: outcome (connected, no_answer, left_message,
		// left_voicemail, wrong_number, busy: an answered call is
		// connected, a busy one busy, any other no_answer), to_phone_number ("the
		// number called"), start_time and end_time ("in UTC. Format:
		// YYYY-MM-DD HH:MM:SS") are required; from_phone_number is "the
		// number that made the call", duration a string of seconds, note
		// HTML (so it holds nothing the caller chooses). The
		// API token goes in the x-api-token header, on the company
		// domain (https://pipedrive.readme.io/docs/core-api-concepts-authentication).
		Source: "https://developers.pipedrive.com/docs/api/v1/CallLogs#addCallLog",
		Note: "adds a call log (POST /api/v1/callLogs) with the caller's number as from_phone_number; " +
			"the secret holds your personal API token, sent in the x-api-token header",
		params: []PresetParam{
			{Name: "company", Help: "your Pipedrive company domain, e.g. mycompany for mycompany.pipedrive.com", kind: paramSubdomain},
			tokenParam("pipedrive-token", "API token"),
		},
		hook: Hook{
			Name: "Log the call in Pipedrive", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://<company>.pipedrive.com/api/v1/callLogs",
			ContentType: "application/json",
			Headers:     map[string]string{"x-api-token": "{secret.<token_secret>}"},
			Body: `{"subject":"Call with {remote_name} {remote|e164}","duration":"{duration}",` +
				`"outcome":"{outcome|map:answered=connected,busy=busy,*=no_answer}",` +
				`"from_phone_number":"{remote|e164}","to_phone_number":"{callee}",` +
				`"start_time":"{start|datetime}","end_time":"{end|datetime}","note":"Outcome: ` + outcomeText + `. Agent: {user}."}`,
		},
	},

	// Odoo
	unavailable("odoo-open", "Odoo", PresetOpen,
		"https://www.odoo.com/documentation/19.0/developer/reference/external_api.html",
		"Odoo documents searching contacts through its external API (search_read on res.partner) and window actions that menus "+
			"and buttons open, but no web client URL that takes a search term"),
	unavailable("odoo-log", "Odoo", PresetLog,
		"https://www.odoo.com/documentation/19.0/developer/reference/external_api.html",
		"the JSON-2 API (POST /json/2/<model>/<method>, Odoo 19 on a Custom plan) creates records of any model, but Odoo documents no model for logging a call"),

	// Zendesk
	unavailable("zendesk-open", "Zendesk", PresetOpen,
		"https://developer.zendesk.com/api-reference/voice/talk-partner-edition-api/basics",
		"Zendesk opens a user in the agent's browser only through the Talk Partner Edition API, by user id, and finds a caller by "+
			"the search API (GET /api/v2/search.json?query=role:end-user phone:...); the agent search page's URL is in no Zendesk documentation"),
	{
		Name: "zendesk-log", Vendor: "Zendesk", Action: PresetLog, Available: true,
		// The body is the flat call object (app_id, from_line, to_line,
		// call_started_at, direction "inbound"), as in the guide's example,
		// not wrapped in {"call": ...}; call_disposition is the call's
		// outcome as free text (the calls reference's "JSON format"
		// table: https://developer.zendesk.com/api-reference/voice/talk-partner-edition-api/calls/).
		Source: "https://developer.zendesk.com/documentation/voice/talk-partner-edition/creating-a-call-record-in-zendesk",
		Note: "creates a call record (POST /api/v2/calls); needs Talk Partner Edition and your Zendesk app's id; " +
			"the secret holds base64 of {email_address}/token:{api_token}",
		params: []PresetParam{
			{Name: "subdomain", Help: "your Zendesk subdomain, e.g. mycompany for mycompany.zendesk.com", kind: paramSubdomain},
			{Name: "app_id", Help: "your Zendesk app's id (Zendesk Apps Framework)", kind: paramNumber},
			tokenParam("zendesk-token", "base64 of {email_address}/token:{api_token}"),
		},
		hook: Hook{
			Name: "Log the call in Zendesk", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://<subdomain>.zendesk.com/api/v2/calls",
			ContentType: "application/json",
			Headers:     map[string]string{"Authorization": "Basic {secret.<token_secret>}"},
			Body: `{"app_id":<app_id>,"from_line":"{remote|e164}","to_line":"{callee}","call_started_at":"{start}",` +
				`"call_ended_at":"{end}","direction":"inbound","call_disposition":"` + outcomeText + `"}`,
		},
	},

	// Freshdesk
	unavailable("freshdesk-open", "Freshdesk", PresetOpen,
		"https://support.freshdesk.com/support/solutions/articles/221418-computer-telephony-integration-framework",
		"Freshdesk pops callers only through its CTI framework, a custom app in an iframe that finds contacts through the API "+
			"(GET /api/v2/search/contacts); it documents no agent URL that takes a phone number"),
	{
		Name: "freshdesk-log", Vendor: "Freshdesk", Action: PresetLog, Available: true,
		// Create a Ticket: phone ("if the phone number is set and the
		// email address is not, then the name attribute is mandatory"),
		// source 3 Phone, status 5 Closed, priority 1 Low. description is
		// "HTML content of the ticket", so it holds nothing the caller
		// chooses (the SIP Call-ID may hold "<" and ">"); the caller's
		// number and name go in the plain-text subject and name.
		// Authentication: the API key as the basic-auth user name,
		// "X" as the password.
		Source: "https://developers.freshdesk.com/api/#create_ticket",
		Note:   "logs the call as a closed phone ticket (source 3); the secret holds your API key, sent as the basic-auth user name with password X",
		params: []PresetParam{
			{Name: "domain", Help: "your Freshdesk subdomain, e.g. mycompany for mycompany.freshdesk.com", kind: paramSubdomain},
			tokenParam("freshdesk-key", "API key"),
		},
		hook: Hook{
			Name: "Log the call in Freshdesk", Triggers: logTriggers, Action: ActionPost,
			URL:         "https://{secret.<token_secret>}:X@<domain>.freshdesk.com/api/v2/tickets",
			ContentType: "application/json",
			Body: `{"phone":"{remote|e164}","name":"{remote_name} {remote|e164}","subject":"Call with {remote_name} {remote|e164}",` +
				`"description":"Outcome: ` + outcomeText + `. Agent: {user}. Talk time: {duration|mmss}.","source":3,"status":5,"priority":1}`,
		},
	},

	// SuiteCRM
	unavailable("suitecrm-open", "SuiteCRM", PresetOpen,
		"https://docs.suitecrm.com/developer/searchframework/overview/",
		"SuiteCRM's user guide shows the global search bar and its developer guide the Search Framework behind it "+
			"(a controller in modules/Home), but neither gives the URL or its parameters"),
	unavailable("suitecrm-log", "SuiteCRM", PresetLog,
		"https://docs.suitecrm.com/developer/api/developer-setup-guide/json-api/",
		"the V8 JSON:API (POST /Api/V8/module) needs OAuth2 tokens that expire within the hour, and documents no Calls fields"),

	// vtiger
	unavailable("vtiger-open", "vtiger", PresetOpen,
		"https://www.vtiger.com/docs/rest-api-for-vtiger",
		"vtiger documents queries for programs (REST API), not a web client URL; we found no documented URL that searches contacts by phone number"),
	unavailable("vtiger-log", "vtiger", PresetLog,
		"https://www.vtiger.com/docs/rest-api-for-vtiger",
		"we found no documented call-logging entity in the REST API"),

	// Bitrix24
	unavailable("bitrix24-open", "Bitrix24", PresetOpen,
		"https://dev.1c-bitrix.ru/rest_help/scope_telephony/telephony/index.php",
		"Bitrix24 shows a caller's card through the REST methods telephony.externalcall.register/show, not through a URL; "+
			"its CRM finds contacts by phone number only through REST methods too"),
	unavailable("bitrix24-log", "Bitrix24", PresetLog,
		"https://dev.1c-bitrix.ru/rest_help/scope_telephony/telephony/telephony_externalcall_register.php",
		"logging a call takes two requests (telephony.externalcall.register, then .finish with its CALL_ID), and an inbound webhook carries its key in the URL path, where Callhook puts no secrets"),

	// weclapp
	unavailable("weclapp-open", "weclapp", PresetOpen,
		"https://www.weclapp.com/api/",
		"weclapp documents its REST API (https://<tenant>.weclapp.com/webapp/api/v1, AuthenticationToken header), "+
			"no web app URL that searches contacts by phone number"),
	unavailable("weclapp-log", "weclapp", PresetLog,
		"https://www.weclapp.com/api/",
		"we found no documented call-logging entity in the REST API (https://<tenant>.weclapp.com/webapp/api/v1, AuthenticationToken header)"),
}

func init() {
	for i := range presets {
		p := &presets[i]
		p.Params = []string{}
		for _, pp := range p.params {
			p.Params = append(p.Params, pp.Name)
			if pp.Default != "" {
				if p.Defaults == nil {
					p.Defaults = map[string]string{}
				}
				p.Defaults[pp.Name] = pp.Default
			}
		}
	}
}

func unavailable(name, vendor, action, source, note string) Preset {
	return Preset{Name: name, Vendor: vendor, Action: action, Source: source, Note: note}
}

// zohoAPIDomains are Zoho CRM's API domains, one per data centre: US,
// EU, IN, AU, CN, JP, CA, SA (https://www.zoho.com/crm/developer/docs/api/v8/multi-dc.html
// and Zoho's API domain table). The token goes to the one the user picks.
var zohoAPIDomains = []string{"www.zohoapis.com", "www.zohoapis.eu", "www.zohoapis.in", "www.zohoapis.com.au",
	"www.zohoapis.com.cn", "www.zohoapis.jp", "www.zohoapis.ca", "www.zohoapis.sa"}

func tokenParam(def, what string) PresetParam {
	return PresetParam{Name: "token_secret", Default: def, kind: paramSecret,
		Help: "name of the secret holding the " + what + " (callhook secret set NAME)"}
}
