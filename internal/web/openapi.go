package web

import "net/http"

// openAPI serves the OpenAPI 3 description of the JSON API. Each API surface contributes
// its paths through a function listed in apiPaths, so the document grows with the code.
func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	paths := map[string]any{}
	for _, part := range s.apiPaths() {
		for k, v := range part {
			paths[k] = v
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "Sportello CIE API",
			"version":     "1.0.0",
			"description": "Public and operator API of Sportello, a comune's toolchain for the Italian electronic identity card. Rate-limited endpoints answer 429 with X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset.",
			"license":     map[string]string{"name": "EUPL-1.2", "url": "https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12"},
		},
		"servers": []map[string]string{{"url": s.Config.BaseURL}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": map[string]any{
				"Error": obj(map[string]any{"error": obj(map[string]any{
					"code": str("one of invalid, not_found, conflict, unauthorized, forbidden, rate_limited, too_large, unsupported, unavailable, internal"), "message": str("safe to show to the user"), "field": str("form field the message belongs to, if any"),
				})}),
			},
		},
	})
}

// apiPaths lists every surface's OpenAPI paths.
func (s *Server) apiPaths() []map[string]any {
	return []map[string]any{corePaths(), s.bookingAPIPaths(), s.photoAPIPaths(), s.campaignAPIPaths(), s.cardAPIPaths()}
}

func corePaths() map[string]any {
	return map[string]any{
		"/healthz": map[string]any{"get": op("Liveness probe", "health", jsonResp("200", "alive", obj(map[string]any{"status": str("ok")})))},
		"/readyz": map[string]any{"get": op("Readiness probe: the database answers", "health",
			jsonResp("200", "ready", obj(map[string]any{"status": str("ready"), "database": str("sqlite or postgres")})),
			jsonResp("503", "database unreachable", obj(map[string]any{"status": str("")})))},
		"/api/v1/offices": map[string]any{"get": op("List the comune's active registry offices", "offices",
			jsonResp("200", "offices", obj(map[string]any{"offices": arr(obj(map[string]any{
				"code": str("stable office id"), "name": str(""), "address": str(""), "municipio": str(""),
				"lat": num("WGS84"), "lon": num("WGS84"),
			}))})))},
	}
}

// Small constructors keep the hand-written document readable.
func op(summary, tag string, responses ...map[string]any) map[string]any {
	rs := map[string]any{}
	for _, r := range responses {
		for k, v := range r {
			rs[k] = v
		}
	}
	return map[string]any{"summary": summary, "tags": []string{tag}, "responses": rs}
}

func jsonResp(status, desc string, schema map[string]any) map[string]any {
	return map[string]any{status: map[string]any{"description": desc, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}}
}

func obj(props map[string]any) map[string]any {
	return map[string]any{"type": "object", "properties": props}
}

func arr(items map[string]any) map[string]any { return map[string]any{"type": "array", "items": items} }

func str(desc string) map[string]any {
	if desc == "" {
		return map[string]any{"type": "string"}
	}
	return map[string]any{"type": "string", "description": desc}
}

func num(desc string) map[string]any { return map[string]any{"type": "number", "description": desc} }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

// withBody adds a JSON request body to an operation.
func withBody(op map[string]any, schema map[string]any) map[string]any {
	op["requestBody"] = map[string]any{"required": true, "content": map[string]any{"application/json": map[string]any{"schema": schema}}}
	return op
}
