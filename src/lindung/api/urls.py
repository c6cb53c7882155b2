
urlpatterns: list = []  # placeholder until the API lands (same session)
