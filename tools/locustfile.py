"""Locust users of the load test (run by tools/loadtest.py, which writes their accounts).

Employees (95 % of the users) browse and search the catalogue (60 % of their requests), open
mission pages (20 %), enrol in a session and cancel (10 %) and look at their giving (5 %);
CSR officers and executives (5 %) open the impact dashboard. The topology sits behind what a
TLS-terminating load balancer would send: X-Forwarded-Proto: https, so cookies are Secure.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import random
import re
import time

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["LOADTEST_DATA"]).read())  # noqa: SIM115 (read once at import)
SEARCHES = ["nettoyage", "jardin", "mentorat", "lecture", "numérique", "aide", "solidarité"]
KINDS = ["", "citizen_day", "skills", "volunteering"]
_employees = itertools.cycle(DATA["employees"])
_deciders = itertools.cycle(DATA["deciders"])


class _SecureOverHttp(http.cookiejar.DefaultCookiePolicy):
    """TLS ends at the load balancer: Secure cookies travel on the loopback's plain HTTP."""

    def return_ok_secure(self, cookie, request):
        return True


class _CordeeUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.cookies.set_policy(_SecureOverHttp())
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.headers["Referer"] = self.host.replace("http://", "https://") + "/"
        self.client.headers["Origin"] = self.host.replace("http://", "https://")
        self.client.headers["Accept-Language"] = "fr"
        self.sign_in()

    def csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    def sign_in(self):
        self.client.get("/accounts/login/", name="sign-in")
        response = self.client.post(
            "/accounts/login/",
            {"login": self.account["email"], "password": DATA["password"]},
            headers={"X-CSRFToken": self.csrf()},
            name="sign-in",
        )
        if "/2fa/authenticate" in response.url:
            # Each decider has an account of their own: a code is never used twice.
            self.client.post(
                "/accounts/2fa/authenticate/",
                {"code": _totp(self.account["totp"])},
                headers={"X-CSRFToken": self.csrf()},
                name="sign-in (second factor)",
            )


def _totp(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import hotp_value, yield_counters

    counter = next(iter(yield_counters(int(time.time()))))
    return f"{hotp_value(secret, counter):06d}"


class Employee(_CordeeUser):
    weight = 95

    def on_start(self):
        self.account = next(_employees)
        super().on_start()

    @task(60)
    def catalogue(self):
        params = {}
        if random.random() < 0.5:
            params["q"] = random.choice(SEARCHES)
        if kind := random.choice(KINDS):
            params["kind"] = kind
        if random.random() < 0.3:
            params["page"] = random.randint(1, 5)
        self.client.get("/missions/", params=params, name="catalogue and search")

    @task(20)
    def mission_page(self):
        self.client.get(random.choice(DATA["missions"]), name="mission page")

    @task(10)
    def enrol_and_cancel(self):
        session = random.choice(self.account["sessions"])
        with self.client.post(
            f"/engagement/sessions/{session}/enrol/",
            {},
            headers={"X-CSRFToken": self.csrf()},
            name="enrol",
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"enrol answered {response.status_code}")
                return
            response.success()
        match = re.search(r"/engagement/enrolments/(\d+)/", response.url)
        if match:
            self.client.post(
                f"/engagement/enrolments/{match.group(1)}/cancel/",
                {},
                headers={"X-CSRFToken": self.csrf()},
                name="cancel",
            )

    @task(5)
    def giving(self):
        self.client.get("/giving/", name="giving")


class Decider(_CordeeUser):
    """CSR officers and executives: the impact dashboard."""

    weight = 5

    def on_start(self):
        self.account = next(_deciders)
        super().on_start()

    @task
    def dashboard(self):
        self.client.get("/impact/", name="impact dashboard")
