"""People and access: users, departments, roles, permissions and grants."""
