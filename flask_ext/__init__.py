"""Flask extension with flask-cors's interface, built on the cors_wsgi core (in progress)."""
