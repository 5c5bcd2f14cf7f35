from campaigns.models import AttributeConfig

def test_dbg(demo, page, login, live_server):
    AttributeConfig.objects.filter(attribute_type="lead").delete()
    login("campaigns")
    page.goto(f"{live_server.url}/campaign-builder/data-sources/engagement-attributes/visitor_journey/")
    page.locator("#attribute-lead").get_by_text("Lead", exact=True).click()
    form = page.locator("#attribute-config-lead")
    form.get_by_role("switch", name="Submit by agent").check()
    print(form.aria_snapshot())
