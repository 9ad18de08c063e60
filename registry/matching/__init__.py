"""The matching engine: optimal mentor-mentee assignment and peer matching (pure code)."""
