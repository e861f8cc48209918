// Package booth is the path a CIE photo takes from camera to counter: retrieval codes,
// booth devices, photo records with their retention, the kiosk's live guidance, and the
// encryption of the stored crop. It holds the domain types and a Service over a small
// Store interface (implemented by package store), so it knows no SQL and no HTTP.
package booth
