"""The pytest plugin, exercised with pytester."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]


def test_fixture_returns_an_active_handle(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        from mockmpu import MpuMock

        def test_it(mpu_mock):
            assert isinstance(mpu_mock, MpuMock) and mpu_mock.active
            client = boto3.session.Session().client("s3", region_name="us-east-1")
            client.create_bucket(Bucket="bkt")
            assert mpu_mock.s3.bucket_names() == ["bkt"]
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


def test_marker_options_closest_wins_and_marker_alone_activates(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest
        from mockmpu.core import activation as _activation

        pytestmark = pytest.mark.mpu_mock(seed=1, account_id="111111111111")

        @pytest.mark.mpu_mock(seed=5)
        def test_closest(mpu_mock):
            assert mpu_mock.state.ids.seed == 5
            assert mpu_mock.state.account_id == "111111111111"

        def test_module_level(mpu_mock):
            assert mpu_mock.state.ids.seed == 1

        @pytest.mark.mpu_mock()
        def test_marker_alone_activates():
            assert _activation.current() is not None
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=3)


def test_marker_is_registered_with_help(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.mpu_mock(**options): use the mpu_mock fixture*"])


def test_swallowed_unmocked_call_fails_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_it(mpu_mock):
            client = boto3.session.Session().client("s3", region_name="us-east-1")
            try:
                client.delete_object(Bucket="data", Key="a.csv")
            except Exception:
                pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*mockmpu: 1 un-mocked call was made and caught by the code under test:",
            "*- S3 DeleteObject (Bucket='data', Key='a.csv')",
        ],
        consecutive=True,
    )


def test_a_failing_test_is_not_hidden_by_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3

        def test_it(mpu_mock):
            client = boto3.session.Session().client("s3", region_name="us-east-1")
            try:
                client.delete_object(Bucket="data", Key="a.csv")
            except Exception:
                pass
            assert 1 == 2, "the test's own failure"
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the test's own failure*"])


def test_client_created_at_import_of_the_code_under_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        app="""
        import boto3
        CLIENT = boto3.client("s3", region_name="us-east-1")
        """,
        test_app="""
        import app

        def test_it(mpu_mock):
            app.CLIENT.create_bucket(Bucket="bkt")
            assert mpu_mock.s3.bucket_names() == ["bkt"]
        """,
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
