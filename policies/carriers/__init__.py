"""Schedule carriers per cloud: each module registers its resource types with
`policies.schedule_registry.register` (see that module)."""
