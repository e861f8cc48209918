package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sync"
	"time"

	"github.com/sportello/sportello/internal/model"
)

// campaignTask is a plan, send or expiry pass running in the background: at a city's
// size they take longer than a request should stay open, so the page that follows
// them refreshes until they finish (no JavaScript needed).
type campaignTask struct {
	mu sync.Mutex
	v  campaignTaskView
}

// campaignTaskView is a task's state as its page shows it.
type campaignTaskView struct {
	ID       string
	Kind     string // plan, send, expire
	Done     bool
	Result   string
	Error    string
	Started  time.Time
	Finished time.Time
}

type campaignTasks struct {
	mu   sync.Mutex
	byID map[string]*campaignTask
	busy bool // one task at a time: two plans at once would fight over the same rows
}

func newCampaignTasks() *campaignTasks { return &campaignTasks{byID: map[string]*campaignTask{}} }

// campaignRun starts fn in the background and sends the admin to its page. fn gets a
// context of its own, as it outlives the request; its result is audited when it ends.
func (s *Server) campaignRun(w http.ResponseWriter, r *http.Request, kind string, fn func(ctx context.Context) (string, error)) {
	ts := s.campaignTasks
	ts.mu.Lock()
	if ts.busy {
		ts.mu.Unlock()
		s.campaignRedisplay(w, r, model.Errorf(model.EINVALID, "another campaign task is running: wait for it to finish"))
		return
	}
	ts.busy = true
	var b [8]byte
	_, _ = rand.Read(b[:])
	t := &campaignTask{v: campaignTaskView{ID: hex.EncodeToString(b[:]), Kind: kind, Started: s.Store.Now()}}
	ts.byID[t.v.ID] = t
	ts.mu.Unlock()
	id := t.v.ID
	actor := "user:" + userOf(r).Username
	if err := s.audit(r, "campaign."+kind, "campaign_task:"+id, "started"); err != nil {
		s.fail(w, r, err)
		return
	}
	go func() {
		ctx := context.Background()
		res, err := fn(ctx)
		finished := s.Store.Now()
		detail := res
		if err != nil {
			detail = "failed: " + model.ErrorMessage(err)
			if model.ErrorCode(err) == model.EINTERNAL {
				s.Log.Error("campaign task failed", "kind", kind, "task", id, "error", err)
			}
		}
		if aerr := s.Store.Audit(ctx, &model.AuditEntry{Actor: actor, Action: "campaign." + kind + ".done", Object: "campaign_task:" + id, Detail: detail}); aerr != nil {
			s.Log.Error("campaign task audit", "error", aerr)
		}
		// done and not busy in one step: an admin who sees the task done and starts the
		// next one at once must not be told another task is still running
		ts.mu.Lock()
		t.mu.Lock()
		t.v.Done, t.v.Result, t.v.Finished = true, res, finished
		if err != nil {
			t.v.Error = model.ErrorMessage(err)
		}
		ts.busy = false
		t.mu.Unlock()
		ts.mu.Unlock()
		if err == nil {
			s.Queue.Wake()
		}
	}()
	http.Redirect(w, r, "/op/campagna/attivita/"+id, http.StatusSeeOther)
}

// campaignTaskStatus shows a task; the Refresh header reloads it until it is done.
func (s *Server) campaignTaskStatus(w http.ResponseWriter, r *http.Request) {
	s.campaignTasks.mu.Lock()
	t := s.campaignTasks.byID[r.PathValue("id")]
	s.campaignTasks.mu.Unlock()
	if t == nil {
		s.fail(w, r, model.Errorf(model.ENOTFOUND, "no such task (tasks are kept until the server restarts)"))
		return
	}
	t.mu.Lock()
	v := t.v
	t.mu.Unlock()
	if !v.Done {
		w.Header().Set("Refresh", "1")
	}
	if langOf(r) != "en" {
		v.Result, v.Error = campaignTextIT(v.Result), campaignTextIT(v.Error)
	}
	s.render(w, r, http.StatusOK, "campaign_task.html", v)
}
