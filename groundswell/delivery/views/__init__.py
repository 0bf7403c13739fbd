"""The public delivery page; the organizer's are in groundswell.organizer.views.delivery."""
