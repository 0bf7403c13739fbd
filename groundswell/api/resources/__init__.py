"""One module per resource: each defines `PREFIX` and a ninja `router`, and is mounted under
/api/v1/ by groundswell.api.api (found by name: adding a resource is adding a module)."""
