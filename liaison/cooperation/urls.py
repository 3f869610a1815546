from django.urls import path

from liaison.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("hotline/", views.hotline, name="hotline"),
    path("hotline/channels/<int:pk>/", views.channel_detail, name="channel"),
    path("hotline/messages/<uuid:uuid>/", views.message_detail, name="message"),
    path("hotline/admin/", views.channel_admin, name="channel_admin"),
    path("hotline/report/", views.hotline_report, name="hotline_report"),
    path("wanted/", views.wanted_list, name="wanted_list"),
    path("wanted/new/", views.wanted_new, name="wanted_new"),
    path("wanted/<uuid:uuid>/", views.wanted_detail, name="wanted"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:uuid>/", views.request_detail, name="request"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    path("files/<str:kind>/<uuid:uuid>/<str:sha256>/", views.record_file, name="file"),
    path(
        "federation/v1/cooperation/files/<str:kind>/<uuid:uuid>/<str:sha256>",
        views.federation_file,
        name="federation_file",
    ),
    path("joint/", views.joint_list, name="joint_list"),
    path("joint/cases/new/", views.joint_new, name="joint_new"),
    path("joint/cases/<uuid:uuid>/", views.joint_detail, name="joint"),
    path("joint/patrols/new/", views.patrol_new, name="patrol_new"),
    path("joint/patrols/<uuid:uuid>/", views.patrol_detail, name="patrol"),
    path("joint/agreements/new/", views.agreement_new, name="agreement_new"),
    path("joint/agreements/<uuid:uuid>/", views.agreement_detail, name="agreement"),
    path("joint/meetings/new/", views.meeting_new, name="meeting_new"),
    path("joint/meetings/<uuid:uuid>/", views.meeting_detail, name="meeting"),
    path("joint/projects/new/", views.project_new, name="project_new"),
    path("joint/projects/<uuid:uuid>/", views.project_update, name="project"),
]
