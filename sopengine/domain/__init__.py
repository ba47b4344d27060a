"""Pure domain logic: no FastAPI, no ORM."""
