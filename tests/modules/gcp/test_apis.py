"""modules.gcp.apis.ProjectApis under mocks: APIs enabled, never disabled on destroy."""

from __future__ import annotations

from modules.gcp.apis import ProjectApis, ProjectApisArgs, child_suffix


def build(*services: str):
    def program() -> None:
        ProjectApis("churn-apis", ProjectApisArgs(project="ml-platform-dev", services=services))

    return program


def test_each_service_is_one_project_service_named_by_its_api(run) -> None:
    result = run(build("iam.googleapis.com", "aiplatform.googleapis.com", "iam.googleapis.com"))
    services = result.of_type("gcp:projects/service:Service")
    assert {(s.name, s.inputs["service"]) for s in services} == {
        ("churn-apis-aiplatform", "aiplatform.googleapis.com"),
        ("churn-apis-iam", "iam.googleapis.com"),
    }
    assert {s.inputs["project"] for s in services} == {"ml-platform-dev"}


def test_destroying_the_stack_never_disables_a_shared_api(run) -> None:
    for service in run(build("aiplatform.googleapis.com")).of_type("gcp:projects/service:Service"):
        assert service.inputs["disableOnDestroy"] is False, service.urn
        assert service.inputs["disableDependentServices"] is False, service.urn


def test_outputs_list_the_services(run) -> None:
    component = run(build("b.googleapis.com", "a.googleapis.com")).named("churn-apis")
    assert component.outputs == {"services": ["a.googleapis.com", "b.googleapis.com"]}


def test_child_suffix_drops_the_domain() -> None:
    assert child_suffix("datapipelines.googleapis.com") == "datapipelines"
