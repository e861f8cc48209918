package booth

// checkNames are the checks' names for people, Italian and English.
var checkNames = map[string][2]string{
	"face_found":         {"Volto trovato", "Face found"},
	"one_face":           {"Una sola persona", "One person only"},
	"eyes":               {"Distanza tra gli occhi", "Eye distance"},
	"pose_yaw":           {"Viso di fronte", "Facing the camera"},
	"pose_pitch":         {"Mento dritto", "Chin level"},
	"pose_roll":          {"Testa dritta", "Head straight"},
	"crop_geometry":      {"Proporzioni del viso", "Face proportions"},
	"resolution":         {"Risoluzione", "Resolution"},
	"sharpness":          {"Nitidezza", "Sharpness"},
	"exposure":           {"Esposizione", "Exposure"},
	"dynamic_range":      {"Contrasto", "Contrast"},
	"skin_colour":        {"Colori naturali", "Natural colours"},
	"face_shadows":       {"Ombre sul viso", "Shadows on the face"},
	"background":         {"Sfondo uniforme", "Plain background"},
	"background_shadows": {"Ombre sullo sfondo", "Shadows on the background"},
	"eyes_open":          {"Occhi aperti", "Eyes open"},
	"mouth_closed":       {"Bocca chiusa", "Mouth closed"},
	"expression":         {"Espressione neutra", "Neutral expression"},
	"tinted_lenses":      {"Lenti non scure", "No tinted lenses"},
	"glare":              {"Riflessi", "Reflections"},
	"red_eyes":           {"Occhi rossi", "Red eyes"},
	"head_covering":      {"Copricapo", "Head covering"},
	"pixelation":         {"Compressione", "Compression"},
}

// CheckName is a check's name in lang ("it" or "en"); unknown ids show as they are.
func CheckName(lang, id string) string {
	n, ok := checkNames[id]
	if !ok {
		return id
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}
