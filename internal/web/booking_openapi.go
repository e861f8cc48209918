package web

// bookingAPIPaths is the booking part of the OpenAPI document.
func (s *Server) bookingAPIPaths() map[string]any {
	errResp := func(status, desc string) map[string]any {
		return jsonResp(status, desc, map[string]any{"$ref": "#/components/schemas/Error"})
	}
	bookingSchema := obj(map[string]any{
		"reference": str("booking reference printed for the citizen and the clerk"),
		"state":     str("held, confirmed, cancelled, expired, arrived, no_show, done"),
		"office":    str("office code"), "service": str("service code"),
		"start": str("RFC 3339 local time"), "end": str("RFC 3339 local time"),
		"people": num("household members in the booking"), "mode": str("consecutive or parallel"),
		"persons":            arr(obj(map[string]any{"name": str(""), "surname": str(""), "codice_fiscale": str("masked: first 6 characters")})),
		"reconfirm_required": map[string]any{"type": "boolean", "description": "the comune asks the citizen to confirm again before the deadline"},
		"manage_token":       str("signed token for GET/cancel/move; replaced when the booking changes"),
		"hold_token":         str("only in the hold answer: confirms the hold"),
		"hold_expires":       str("only in the hold answer: when the hold lapses"),
	})
	tokenParam := []map[string]any{{"name": "token", "in": "path", "required": true, "schema": str("")}}
	body := func(props map[string]any) map[string]any {
		return map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": obj(props)}}}
	}
	withParams := func(o map[string]any, params []map[string]any) map[string]any { o["parameters"] = params; return o }
	withBody := func(o map[string]any, b map[string]any) map[string]any { o["requestBody"] = b; return o }
	limited := errResp("429", "rate limited; see X-RateLimit-* and Retry-After")
	return map[string]any{
		"/api/v1/booking/services": map[string]any{"get": op("Bookable services and their duration per person", "booking",
			jsonResp("200", "services", obj(map[string]any{"services": arr(obj(map[string]any{"code": str(""), "name_it": str(""), "name_en": str(""), "minutes": num("")}))})))},
		"/api/v1/booking/availability": map[string]any{"get": withParams(op("Free start times per day in the booking window", "booking",
			jsonResp("200", "days with at least one free time", obj(map[string]any{"office": str(""), "service": str(""), "people": num(""), "mode": str(""),
				"window": obj(map[string]any{"from": str("YYYY-MM-DD"), "to": str("YYYY-MM-DD")}),
				"days":   arr(obj(map[string]any{"date": str("YYYY-MM-DD"), "times": arr(str("RFC 3339"))}))})),
			errResp("404", "unknown office or service"), errResp("422", "bad parameter"), limited),
			[]map[string]any{
				{"name": "office", "in": "query", "required": true, "schema": str("office code, see /api/v1/offices")},
				{"name": "service", "in": "query", "required": true, "schema": str("service code")},
				{"name": "from", "in": "query", "schema": str("YYYY-MM-DD, default: start of the window")},
				{"name": "to", "in": "query", "schema": str("YYYY-MM-DD, default: end of the window (at most 92 days per call)")},
				{"name": "people", "in": "query", "schema": num("1-6, default 1")},
				{"name": "mode", "in": "query", "schema": str("consecutive (default) or parallel")},
			})},
		"/api/v1/booking/captcha": map[string]any{"get": op("ALTCHA proof-of-work challenge for the hold step (solve with the altcha widget or library)", "booking",
			jsonResp("200", "challenge", obj(map[string]any{"algorithm": str(""), "challenge": str(""), "maxnumber": num(""), "salt": str(""), "signature": str("")})), limited)},
		"/api/v1/booking/holds": map[string]any{"post": withBody(op("Hold a time for a few minutes while the citizen enters their data", "booking",
			jsonResp("201", "held", bookingSchema), errResp("409", "the time was just taken"), errResp("422", "invalid request or failed proof-of-work"), limited),
			body(map[string]any{"office": str("office code"), "service": str("service code"), "start": str("RFC 3339, one of the availability times"),
				"people": num("1-6"), "mode": str("consecutive or parallel"), "lang": str("it or en, for e-mails"), "altcha": str("base64 payload of the solved challenge")}))},
		"/api/v1/booking/holds/{token}/confirm": map[string]any{"post": withBody(withParams(op("Confirm a hold with the people's data; sends the e-mail with the ICS and the manage link", "booking",
			jsonResp("201", "confirmed", bookingSchema), errResp("401", "bad or expired hold token"), errResp("409", "hold expired or a cap reached"), errResp("422", "invalid data; field says which"), limited), tokenParam),
			body(map[string]any{"persons": arr(obj(map[string]any{"name": str(""), "surname": str(""), "codice_fiscale": str("16 characters, check character verified")})),
				"email": str(""), "phone": str(""), "lang": str("it or en")}))},
		"/api/v1/booking/bookings/{token}": map[string]any{"get": withParams(op("Read a booking through its manage token", "booking",
			jsonResp("200", "booking", bookingSchema), errResp("401", "bad, replaced or expired token")), tokenParam)},
		"/api/v1/booking/bookings/{token}/cancel": map[string]any{"post": withParams(op("Cancel a booking", "booking",
			jsonResp("200", "cancelled", bookingSchema), errResp("401", "bad, replaced or expired token"), errResp("409", "not active"), limited), tokenParam)},
		"/api/v1/booking/bookings/{token}/move": map[string]any{"post": withBody(withParams(op("Move a booking atomically to another free time; the answer carries the new manage token", "booking",
			jsonResp("200", "moved", bookingSchema), errResp("401", "bad, replaced or expired token"), errResp("409", "the new time was just taken; the booking stays where it was"), errResp("422", "not a bookable time"), limited), tokenParam),
			body(map[string]any{"start": str("RFC 3339")}))},
	}
}
