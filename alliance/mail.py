"""Sending e-mail through SMTP when it is configured; without it, nothing is sent."""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False
    timeout: int = 10

    def send(self, to: list[str], subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(to)
        message["Subject"] = subject
        message.set_content(body)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def mailer_from_config(config) -> SmtpMailer | None:
    """The configured mailer, or None when ALLIANCE_SMTP_HOST is unset (in-app only)."""
    if not config.get("SMTP_HOST"):
        return None
    return SmtpMailer(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        sender=config["SMTP_FROM"],
        username=config.get("SMTP_USERNAME") or None,
        password=config.get("SMTP_PASSWORD") or None,
        starttls=config.get("SMTP_STARTTLS", False),
    )
