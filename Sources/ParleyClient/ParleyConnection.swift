// client: written next
