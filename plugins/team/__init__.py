"""Team communication (R8): notice board, sales meetings, cross-department issues, knowledge sharing,
recognition and awards, team activities, and group-chat robots."""
