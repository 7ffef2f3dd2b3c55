from tests.support import PASSWORD


def test_a_manager_signs_in_and_sees_the_dashboard(browser, world):
    response = browser.sign_in(world.emails["manager"], PASSWORD)
    assert response.status_code == 302
    page = browser.get("/alliances/riverside/")
    assert page.status_code == 200
    assert "Riverside Alliance" in page.get_data(as_text=True)
