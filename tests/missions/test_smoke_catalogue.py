from tests.factories import make_mission


def test_private_mission_is_404_to_other_company(client, employee_a, employee_b, company_a):
    mission = make_mission(company=company_a)
    client.force_login(employee_a.user)
    assert client.get(mission.url).status_code == 200
    client.force_login(employee_b.user)
    assert client.get(mission.url).status_code == 404
