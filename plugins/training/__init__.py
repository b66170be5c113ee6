"""Training (R3.2): courses, onboarding, periodic sessions, personal plans, exams and their effect."""
