package aggregates

import (
	"github.com/pledger/pledger/events"
)

type document struct {
	versions map[string]bool // version → approved
	latest   string
	retired  bool
}

type documents struct {
	docs map[string]*document
	refs map[string]string // naming-convention ref → document id
}

func newDocuments() documents {
	return documents{docs: map[string]*document{}, refs: map[string]string{}}
}

func (d *documents) apply(p *Project, payload events.Payload) {
	switch e := payload.(type) {
	case events.DocumentRegistered:
		d.docs[e.DocumentID] = &document{versions: map[string]bool{e.Version: false}, latest: e.Version}
		d.refs[e.Ref] = e.DocumentID
		p.count("DOC")
	case events.DocumentVersionAdded:
		doc := d.docs[e.DocumentID]
		doc.versions[e.Version], doc.latest = false, e.Version
	case events.DocumentApproved:
		d.docs[e.DocumentID].versions[e.Version] = true
	case events.DocumentRetired:
		d.docs[e.DocumentID].retired = true
	}
}
