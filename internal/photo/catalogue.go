package photo

// checkInfo is the fixed part of a check: its unit and the instruction that fixes it.
type checkInfo struct {
	unit   string
	it, en string
}

// CheckIDs lists every check in the order a report shows them.
var CheckIDs = []string{
	"face_found", "one_face", "eyes", "pose_yaw", "pose_pitch", "pose_roll",
	"crop_geometry", "resolution", "sharpness", "exposure", "dynamic_range",
	"skin_colour", "face_shadows", "background", "background_shadows",
	"eyes_open", "mouth_closed", "expression", "tinted_lenses", "glare",
	"red_eyes", "head_covering", "pixelation",
}

// catalogue holds, per check, the one-line instruction a citizen can act on.
var catalogue = map[string]checkInfo{
	"face_found":         {"faces", "Si metta di fronte all'obiettivo con il viso ben visibile", "Face the camera with your face clearly visible"},
	"one_face":           {"faces", "Nella foto deve esserci solo lei", "Only you may appear in the photo"},
	"eyes":               {"px", "Tenga gli occhi ben visibili e si avvicini all'obiettivo", "Keep both eyes visible and come closer to the camera"},
	"pose_yaw":           {"°", "Guardi dritto verso l'obiettivo", "Look straight at the camera"},
	"pose_pitch":         {"°", "Tenga il mento dritto, né alzato né abbassato", "Keep your chin level, neither raised nor lowered"},
	"pose_roll":          {"°", "Tenga la testa dritta, senza inclinarla", "Keep your head straight, without tilting it"},
	"crop_geometry":      {"", "Lasci spazio sopra la testa e mostri le spalle, al centro dell'inquadratura", "Leave space above your head and show your shoulders, centred in the frame"},
	"resolution":         {"px", "Si avvicini o usi una foto a risoluzione più alta", "Come closer or use a higher-resolution photo"},
	"sharpness":          {"", "La foto è sfocata: stia fermo e metta a fuoco il viso", "The photo is blurred: keep still and focus on the face"},
	"exposure":           {"", "Regoli la luce: la foto è troppo scura o troppo chiara", "Adjust the light: the photo is too dark or too bright"},
	"dynamic_range":      {"", "La foto è sbiadita: aumenti il contrasto della luce", "The photo looks washed out: use light with more contrast"},
	"skin_colour":        {"°", "I colori non sono naturali: usi luce bianca e nessun filtro", "Colours are not natural: use white light and no filter"},
	"face_shadows":       {"", "Illumini il viso in modo uniforme, senza ombre", "Light your face evenly, without shadows"},
	"background":         {"", "Usi uno sfondo chiaro e uniforme, senza oggetti", "Use a plain light background with nothing in it"},
	"background_shadows": {"", "Si allontani dallo sfondo per evitare ombre dietro la testa", "Step away from the background to avoid shadows behind your head"},
	"eyes_open":          {"", "Tenga gli occhi aperti", "Keep your eyes open"},
	"mouth_closed":       {"", "Tenga la bocca chiusa", "Keep your mouth closed"},
	"expression":         {"", "Mantenga un'espressione neutra, senza sorridere", "Keep a neutral expression, without smiling"},
	"tinted_lenses":      {"", "Tolga gli occhiali scuri", "Take off tinted glasses"},
	"glare":              {"", "Eviti riflessi sugli occhiali e sulla pelle (niente flash diretto)", "Avoid reflections on glasses and skin (no direct flash)"},
	"red_eyes":           {"", "Occhi rossi: rifaccia la foto senza flash diretto", "Red eyes: retake the photo without direct flash"},
	"head_covering":      {"", "Tolga il cappello (ammesso solo per motivi religiosi o sanitari, con il viso scoperto)", "Remove your hat (allowed only for religious or medical reasons, with the face uncovered)"},
	"pixelation":         {"", "La foto è troppo compressa: usi il file originale della fotocamera", "The photo is over-compressed: use the camera's original file"},
}
