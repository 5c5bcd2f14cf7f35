"""Agent Workspace views: the conversation list and page, and the widget's actions."""
