"""Import PRONOTE/EDT timetable exports into itslearning."""
