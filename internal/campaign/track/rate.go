package track

import (
	"math"

	"github.com/sportello/sportello/internal/store"
)

// Priors are the confirmation rates a channel is assumed to reach before its own
// answers say otherwise: Milan's 2025-26 campaign (seed 002, /work/shared/seeds/002_*)
// had 61% of the 49,000 e-mailed citizens confirm and 35% of the 25,000 written to.
var Priors = map[string]float64{store.ChannelEmail: 0.61, store.ChannelLetter: 0.35}

// priorOther is the prior for a channel Milan did not use, and for the whole campaign
// before anything is sent: between the two above, on the cautious side.
const priorOther = 0.5

// priorAnswers is how many answers the prior weighs as: after this many decided
// proposals a channel's own figures count as much as Milan's.
const priorAnswers = 100

// estimate fills Rate and Estimate. Only decided proposals say anything about the
// rate: counting pending ones as refusals, as confirmed ÷ sent did, made a campaign
// minutes old (4 confirmed of 5,030 sent) forecast its end in 2075. The decided rate is
// shrunk towards the prior (priorAnswers pseudo-answers), and the proposals still
// pending are expected to confirm at that shrunk rate or the prior, whichever is lower:
// the first answers are mostly quick confirmations (refusals trickle in, expiries come
// only at the deadline), so a rate read while most proposals are open runs high. As the
// pending share falls the estimate becomes the channel's own decided rate.
func (ch *Channel) estimate() {
	decided := ch.Confirmed + ch.Declined + ch.Expired
	if decided > 0 {
		ch.Rate = float64(ch.Confirmed) / float64(decided)
	}
	prior, ok := Priors[ch.Channel]
	if !ok {
		prior = priorOther
	}
	shrunk := (float64(ch.Confirmed) + priorAnswers*prior) / float64(decided+priorAnswers)
	ch.Estimate = prior
	if n := decided + ch.Pending; n > 0 {
		ch.Estimate = (float64(ch.Confirmed) + float64(ch.Pending)*math.Min(shrunk, prior)) / float64(n)
	}
}

// settled reports whether a channel's answers are enough to stand on their own: at
// least priorAnswers of them, and no more proposals pending than decided. The second
// condition matters because early answers are mostly quick confirmations, while
// refusals trickle in and expiries only come at the deadline: a rate read while most
// proposals are still open runs high.
func (ch *Channel) settled() bool {
	decided := ch.Confirmed + ch.Declined + ch.Expired
	return decided >= priorAnswers && ch.Pending <= decided
}

// ConfirmRate is the campaign's expected confirmation rate: the channels' estimates
// weighted by proposals sent, so a campaign mostly by letter expects the letter rate.
// It is provisional while any channel in use has not settled, and before anything is
// sent, when it is priorOther.
func ConfirmRate(chans []Channel) (rate float64, provisional bool) {
	var sent int
	for _, ch := range chans {
		if ch.Sent == 0 {
			continue
		}
		sent += ch.Sent
		rate += float64(ch.Sent) * ch.Estimate
		if !ch.settled() {
			provisional = true
		}
	}
	if sent == 0 {
		return priorOther, true
	}
	return rate / float64(sent), provisional
}
