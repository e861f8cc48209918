package web

import (
	"fmt"
	"html"
	"html/template"
	"strings"

	"github.com/sportello/sportello/internal/campaign/track"
)

// campaignCharts are the dashboard's charts as inline SVG drawn on the server: no
// chart library, no JavaScript, and they print.
type campaignCharts struct {
	States   template.HTML
	Channels template.HTML
	Offices  template.HTML
}

type bar struct {
	Label string
	Value float64
	Text  string // shown at the end of the bar
}

var stateLabels = map[string][2]string{
	"new": {"da pianificare", "to plan"}, "planned": {"pianificati", "planned"}, "proposed": {"proposta inviata", "proposed"},
	"confirmed": {"confermati", "confirmed"}, "issued": {"CIE emesse", "issued"}, "declined": {"rinunce", "declined"},
	"deceased": {"deceduti", "deceased"}, "emigrated": {"emigrati", "emigrated"}, "untraceable": {"irreperibili", "untraceable"},
	"home_visit": {"visita a domicilio", "home visit"}, "email": {"e-mail", "e-mail"}, "letter": {"lettera", "letter"},
	"has_cie": {"hanno già la CIE", "already hold a CIE"}, "expired": {"scaduta", "expired"}, "cancelled": {"annullata", "cancelled"},
	// the kinds of planning run, as the dashboard's "last run" names them
	"run:plan": {"piano", "plan"}, "run:replan": {"ripianificazione", "re-plan"},
}

func stateLabel(lang, s string) string {
	l, ok := stateLabels[s]
	if !ok {
		return s
	}
	if lang == "en" {
		return l[1]
	}
	return l[0]
}

// barChart draws horizontal bars scaled to max (the largest value when 0).
func barChart(title string, bars []bar, maxV float64) template.HTML {
	if maxV <= 0 {
		for _, b := range bars {
			maxV = max(maxV, b.Value)
		}
	}
	const labelW, barW, rowH = 260, 300, 24
	h := rowH*len(bars) + 10
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%%" viewBox="0 0 %d %d" style="max-width:680px"><title>%s</title>`, labelW+barW+90, h, html.EscapeString(title))
	for i, b := range bars {
		y := 5 + i*rowH
		w := 0.0
		if maxV > 0 {
			w = b.Value / maxV * barW
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" text-anchor="end" fill="#1a1a1a">%s</text>`, labelW-6, y+16, html.EscapeString(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%.1f" height="%d" fill="#0066cc"></rect>`, labelW, y+3, w, rowH-8)
		fmt.Fprintf(&sb, `<text x="%.1f" y="%d" font-size="13" fill="#1a1a1a">%s</text>`, float64(labelW)+w+6, y+16, html.EscapeString(b.Text))
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text above is escaped
}

func chartsFor(d *track.Dashboard, lang string) campaignCharts {
	t := func(it, en string) string { return pick(lang, it, en) }
	var states []bar
	for _, c := range d.States {
		states = append(states, bar{Label: stateLabel(lang, c.Key), Value: float64(c.Count), Text: fmt.Sprint(c.Count)})
	}
	var chans []bar
	for _, c := range d.Channels {
		// the bar is the expected final rate; the text adds what the answers so far say
		decided := c.Confirmed + c.Declined + c.Expired
		chans = append(chans, bar{Label: stateLabel(lang, c.Channel), Value: c.Estimate,
			Text: fmt.Sprintf("%.0f%% (%d/%d %s)", 100*c.Estimate, c.Confirmed, decided, t("risposte", "answers"))})
	}
	var offices []bar
	for _, o := range d.Offices {
		load := o.Planned + o.Proposed + o.Confirmed
		offices = append(offices, bar{Label: o.Name, Value: float64(load), Text: fmt.Sprintf("%d (%d %s)", load, o.Confirmed, t("confermati", "confirmed"))})
	}
	return campaignCharts{
		States:   barChart(t("Cittadini per stato", "Citizens by state"), states, 0),
		Channels: barChart(t("Tasso di conferma per canale", "Confirmation rate by channel"), chans, 1),
		Offices:  barChart(t("Proposte per ufficio", "Proposals by office"), offices, 0),
	}
}
