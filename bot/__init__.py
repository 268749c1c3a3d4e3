"""briefbot's Telegram front end."""
