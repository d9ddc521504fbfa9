"""Locust users of the load test (run by tools/loadtest.py, which writes their accounts).

Employees (95 % of the users) browse and search the catalogue (60 % of their requests), open
mission pages (20 %), enrol in a session and cancel (10 %) and look at their giving (5 %);
CSR officers and executives (5 %) open the impact dashboard. The topology sits behind what a
TLS-terminating load balancer would send: X-Forwarded-Proto: https, so cookies are Secure.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, between, task
from locust.exception import StopUser

from tools.topology import totp_now

DATA = json.loads(open(os.environ["LOADTEST_DATA"]).read())  # noqa: SIM115 (read once at import)
SEARCHES = ["nettoyage", "jardin", "mentorat", "lecture", "numérique", "aide", "solidarité"]
KINDS = ["", "citizen_day", "skills", "volunteering"]
_employees = itertools.cycle(DATA["employees"])
_deciders = itertools.cycle(DATA["deciders"])
# Each simulated person browses from an address of their own (10.0.0.0/8), as the load balancer
# would report it in X-Forwarded-For.
_addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


class _CordeeUser(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.headers["Referer"] = self.host.replace("http://", "https://") + "/"
        self.client.headers["Origin"] = self.host.replace("http://", "https://")
        self.client.headers["Accept-Language"] = "fr"
        self.client.headers["X-Forwarded-For"] = next(_addresses)
        self.sign_in()

    def headers(self) -> dict[str, str]:
        """TLS ends at the load balancer, so the cookies are Secure; requests would not send them
        over the loopback's plain HTTP: they go in an explicit Cookie header (with the CSRF token).
        """
        cookies = {cookie.name: cookie.value for cookie in self.client.cookies}
        return {
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "X-CSRFToken": cookies.get("csrftoken", ""),
        }

    def get(self, path, **kwargs):
        return self.client.get(path, headers=self.headers(), **kwargs)

    def post(self, path, data, **kwargs):
        return self.client.post(path, data, headers=self.headers(), **kwargs)

    def sign_in(self):
        self.get("/accounts/login/", name="sign-in page")
        with self.post(
            "/accounts/login/",
            {"login": self.account["email"], "password": DATA["password"]},
            name="sign-in",
            catch_response=True,
        ) as response:
            # A refused sign-in must not turn into a run of anonymous requests whose 404s on
            # company-private missions would be counted against the pages.
            if response.status_code >= 400 or "/accounts/login/" in response.url:
                response.failure(f"sign-in answered {response.status_code}")
                raise StopUser()
            response.success()
        if "/2fa/authenticate" in response.url:
            # Each decider has an account of their own: a code is never used twice.
            self.post(
                "/accounts/2fa/authenticate/",
                {"code": totp_now(self.account["totp"])},
                name="sign-in (second factor)",
            )


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
        self.get("/missions/", params=params, name="catalogue and search")

    @task(20)
    def mission_page(self):
        self.get(random.choice(self.account["missions"]), name="mission page")

    @task(10)
    def enrol_and_cancel(self):
        session = random.choice(self.account["sessions"])
        with self.post(
            f"/engagement/sessions/{session}/enrol/",
            {},
            name="enrol",
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"enrol answered {response.status_code}")
                return
            response.success()
        match = re.search(r"/engagement/enrolments/(\d+)/", response.url)
        if match:
            self.post(f"/engagement/enrolments/{match.group(1)}/cancel/", {}, name="cancel")

    @task(5)
    def giving(self):
        self.get("/giving/", name="giving")


class Decider(_CordeeUser):
    """CSR officers and executives: the impact dashboard."""

    weight = 5

    def on_start(self):
        self.account = next(_deciders)
        super().on_start()

    @task
    def dashboard(self):
        self.get("/impact/", name="impact dashboard")
