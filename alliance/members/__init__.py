"""The register: alliances, member organisations, people, roles, interests, key roles."""
