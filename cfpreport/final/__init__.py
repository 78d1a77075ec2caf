"""The final report: its embedded data (attachments), signing and verifying it."""
