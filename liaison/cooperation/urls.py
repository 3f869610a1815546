from django.urls import path

from liaison.cooperation.views import (
    agreements,
    attachments,
    hotline,
    joint,
    patrols,
    requests,
    wanted,
)

app_name = "cooperation"
urlpatterns = [
    path("hotline/", hotline.hotline, name="hotline"),
    path("hotline/channels/<int:pk>/", hotline.channel_detail, name="channel"),
    path("hotline/messages/<uuid:uuid>/", hotline.message_detail, name="message"),
    path("hotline/admin/", hotline.channel_admin, name="channel_admin"),
    path("hotline/report/", hotline.hotline_report, name="hotline_report"),
    path("wanted/", wanted.wanted_list, name="wanted_list"),
    path("wanted/new/", wanted.wanted_new, name="wanted_new"),
    path("wanted/<uuid:uuid>/", wanted.wanted_detail, name="wanted"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/new/", requests.request_new, name="request_new"),
    path("requests/<uuid:uuid>/", requests.request_detail, name="request"),
    path("attachments/<int:pk>/", attachments.attachment, name="attachment"),
    path("files/<str:kind>/<uuid:uuid>/<str:sha256>/", attachments.record_file, name="file"),
    path(
        "federation/v1/cooperation/files/<str:kind>/<uuid:uuid>/<str:sha256>",
        attachments.federation_file,
        name="federation_file",
    ),
    path("joint/", joint.joint_list, name="joint_list"),
    path("joint/cases/new/", joint.joint_new, name="joint_new"),
    path("joint/cases/<uuid:uuid>/", joint.joint_detail, name="joint"),
    path("joint/patrols/new/", patrols.patrol_new, name="patrol_new"),
    path("joint/patrols/<uuid:uuid>/", patrols.patrol_detail, name="patrol"),
    path("joint/agreements/new/", agreements.agreement_new, name="agreement_new"),
    path("joint/agreements/<uuid:uuid>/", agreements.agreement_detail, name="agreement"),
    path("joint/meetings/new/", agreements.meeting_new, name="meeting_new"),
    path("joint/meetings/<uuid:uuid>/", agreements.meeting_detail, name="meeting"),
    path("joint/projects/new/", agreements.project_new, name="project_new"),
    path("joint/projects/<uuid:uuid>/", agreements.project_update, name="project"),
]
