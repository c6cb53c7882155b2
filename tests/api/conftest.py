"""The web tests' personas serve the API tests too."""

from tests.web.conftest import personas, world  # noqa: F401
