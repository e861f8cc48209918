// Package booking is the vocabulary and the pure rules of online appointment booking:
// services and their durations, per-office settings (window, holds, hold-back, caps,
// reminders), the slots a day offers from weekly hours, closures and exceptional
// openings, the capacity a booking needs, and the signed links citizens receive.
//
// It knows no SQL and no HTTP: package store persists these types and package
// booking/engine runs the transactions (hold, confirm, cancel, move) and the jobs.
package booking
