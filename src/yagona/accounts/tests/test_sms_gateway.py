"""SMS leave through a real HTTP gateway in production (issue 9): a local server started
here receives them; a gateway that is down gives the person a clear message, not a 500."""

import json
import logging
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from yagona.accounts.tests.test_production_settings import production

PHONE = "+992901234567"


class Gateway(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.headers["Authorization"], body))
        self.send_response(202 if self.headers["Authorization"] == "Bearer s3cret" else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "http"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "s3cret"
    yield Gateway.received
    server.shutdown()
    server.server_close()


@pytest.fixture
def citizen(people):
    user = people["citizen"]
    user.phone, user.phone_verified = PHONE, True
    user.save()
    return user


def ask_for_a_code(citizen):
    return Client().post("/accounts/recover/phone/", {"person_id": citizen.username,
                                                      "phone": PHONE})


@pytest.mark.django_db
def test_a_recovery_code_reaches_the_gateway(gateway, citizen, caplog):
    caplog.set_level(logging.DEBUG, logger="yagona.sms")
    assert ask_for_a_code(citizen).status_code == 302
    [(authorization, body)] = gateway
    assert authorization == "Bearer s3cret"
    assert body["to"] == PHONE and "Yagona password recovery code" in body["text"]
    assert body["text"] not in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("trouble", ["down", "refused"])
def test_a_gateway_that_fails_gives_a_clear_message(gateway, citizen, settings, caplog,
                                                    trouble):
    if trouble == "down":  # a port nothing listens on
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{free.getsockname()[1]}/send"
    else:
        settings.SMS_GATEWAY_TOKEN = "wrong"
    page = ask_for_a_code(citizen)
    assert page.status_code == 503
    assert "We could not send the SMS just now" in page.content.decode()
    assert "not sent" in caplog.text and "recovery code" not in caplog.text
    again = Client().get("/accounts/recover/phone/code/")
    assert again.status_code == 302  # no code is waiting


@pytest.mark.django_db
def test_production_with_the_log_backend_says_nothing_was_sent(citizen, settings):
    settings.SMS_BACKEND, settings.PRODUCTION = "log", True
    page = ask_for_a_code(citizen)
    assert page.status_code == 503
    assert "We could not send the SMS just now" in page.content.decode()


@pytest.mark.parametrize(("env", "message"), [
    ({"SMS_BACKEND": "carrier-pigeon"}, "SMS_BACKEND must be one of http, log, memory"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_TOKEN": "t"}, "needs SMS_GATEWAY_URL"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_URL": "https://sms.example/send"},
     "needs SMS_GATEWAY_TOKEN"),
    ({"SMS_BACKEND": "http", "SMS_GATEWAY_URL": "http://sms.example/send",
      "SMS_GATEWAY_TOKEN": "t"}, "https:// SMS_GATEWAY_URL"),
])
def test_production_refuses_bad_sms_settings_at_start(tmp_path, env, message):
    code, out = production(tmp_path, **env)
    assert code != 0 and message in out


def test_production_starts_with_a_gateway(tmp_path):
    code, out = production(tmp_path, SMS_BACKEND="http", SMS_GATEWAY_TOKEN="t",
                           SMS_GATEWAY_URL="https://sms.example/send")
    assert code == 0, out
